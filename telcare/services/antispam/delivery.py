"""Anti-spam use cases: the delivery filter, the quarantine box, personal rules and the
10086999 reporting platform (reports, aggregation per sender, flags, audit, statistics).

The rules themselves live in :mod:`telcare.domain.antispam_rules`; this module loads
what they need, calls them, and writes the outcome in one transaction, queueing the
reporter's SMS (acknowledgement, outcome) through the notification outbox.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import case, delete, distinct, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from telcare import clock
from telcare.domain import antispam_rules as r
from telcare.domain.errors import Conflict, InvalidInput, NotFound
from telcare.domain.messages import register, render
from telcare.domain.msisdn import normalise_msisdn
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services import lookups
from telcare.services.notify import queue_sms
from telcare.store import antispam_models as am
from telcare.store import models as m
from telcare.store.uow import Database

log = logging.getLogger(__name__)

SYSTEM = "system"
T = TypeVar("T")

TEXTS: dict[str, tuple[str, str]] = {
    "antispam.ack": (
        "已收到您对{sender}的垃圾短信举报，我们将尽快核查处理，感谢您的支持。【中国移动】",
        "We received your report about {sender} and will look into it. Thank you. [China Mobile]",
    ),
    "antispam.ack_unmatched": (
        "已收到您的举报，但未找到该短信的发送号码；请按“号码*短信内容”格式发送至10086999。",
        "Report received, but we found no sender for that text; send <number>*<text> to 10086999.",
    ),
    "antispam.outcome.restricted": (
        "您举报的号码{sender}经核实发送垃圾短信，已被限制发送短信。感谢您的举报！【中国移动】",
        "{sender}, which you reported, sent spam and can no longer send SMS. Thank you!",
    ),
    "antispam.outcome.sp_violation": (
        "您举报的{sender}经核实发送垃圾短信，已记录违规并依规处理。感谢您的举报！【中国移动】",
        "{sender}, which you reported, sent spam; a violation was recorded. Thank you!",
    ),
    "antispam.outcome.flagged": (
        "您举报的号码{sender}经核实发送垃圾短信，其短信已被拦截。感谢您的举报！【中国移动】",
        "{sender}, which you reported, sent spam; its messages are now intercepted. Thank you!",
    ),
    "antispam.outcome.no_action": (
        "经核查，暂未发现号码{sender}存在违规。感谢您的举报！【中国移动】",
        "We found no violation by {sender} for now. Thank you for your report.",
    ),
}
register(TEXTS)


# --- results ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """A judged MT SMS as the subscriber sees it in the quarantine box."""

    message_id: str
    sender: str
    recipient: str
    text: str
    action: str
    reason: str
    detail: str
    score: float | None
    created_at: datetime
    released_at: datetime | None
    reported_at: datetime | None


@dataclass(frozen=True, slots=True)
class RuleSet:
    sensitivity: r.Sensitivity
    allow: list[str]
    numbers: list[str]
    prefixes: list[str]
    keywords: list[str]


@dataclass(frozen=True, slots=True)
class ReportResult:
    """A stored report; ``duplicate`` when the same reporter already reported the same text."""

    report_id: int
    sender: str
    duplicate: bool
    status: str
    outcome: str | None


@dataclass(frozen=True, slots=True)
class ReportRow:
    id: int
    reporter: str
    sender: str
    text: str
    score: float | None
    channel: str
    status: str
    outcome: str | None
    created_at: datetime
    handled_at: datetime | None
    sender_status: str


@dataclass(frozen=True, slots=True)
class SenderRank:
    sender: str
    kind: str
    status: str
    reports: int
    reporters: int
    reporters_24h: int
    mean_score: float | None
    last_report: datetime


@dataclass(frozen=True, slots=True)
class ActionRow:
    id: int
    sender: str
    action: str
    actor: str
    detail: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class DayStats:
    day: date
    reported: int
    handled: int


@dataclass(frozen=True, slots=True)
class Statistics:
    days: list[DayStats]
    top_keywords: list[tuple[str, int]]
    open_reports: int
    flagged_senders: int


# --- helpers ---------------------------------------------------------------------------


def _model() -> Any:
    from telcare.antispam.model import default_model

    return default_model()


def _now(now: datetime | None) -> datetime:
    return now or clock.now()


def _retry(db: Database, work: Callable[[Session], T], attempts: int = 3) -> T:
    """Run ``work`` in one committed transaction; retry when a concurrent insert won."""
    for attempt in range(attempts):
        with db.uow() as uow:
            try:
                result = work(uow.session)
                uow.commit()
                return result
            except IntegrityError:
                if attempt == attempts - 1:
                    raise
                log.info("antispam: concurrent insert, retrying")
    raise AssertionError("unreachable")


def _language(session: Session, msisdn: str) -> str:
    lang = session.scalar(select(m.Subscriber.language).where(m.Subscriber.msisdn == msisdn))
    return lang or "zh"


def _stored(row: am.SpamMessage) -> StoredMessage:
    return StoredMessage(
        row.message_id,
        row.sender,
        row.recipient,
        row.text,
        row.action,
        row.reason,
        row.detail,
        row.score,
        row.created_at,
        row.released_at,
        row.reported_at,
    )


def _rules(session: Session, msisdn: str) -> r.Rules:
    rows = session.execute(
        select(am.SpamRule.kind, am.SpamRule.value).where(am.SpamRule.msisdn == msisdn)
    ).all()
    by: dict[str, list[str]] = {k.value: [] for k in r.RuleKind}
    for kind, value in rows:
        by[kind].append(value)
    setting = session.get(am.SpamSetting, msisdn)
    return r.Rules(
        allow=frozenset(by[r.RuleKind.ALLOW]),
        numbers=frozenset(by[r.RuleKind.NUMBER]),
        prefixes=tuple(sorted(by[r.RuleKind.PREFIX], key=len, reverse=True)),
        keywords=tuple(by[r.RuleKind.KEYWORD]),
        sensitivity=r.Sensitivity(setting.sensitivity) if setting else r.Sensitivity.NORMAL,
    )


def _sender_status(session: Session, sender: str) -> r.SenderStatus:
    status = session.scalar(select(am.SpamSender.status).where(am.SpamSender.sender == sender))
    return r.SenderStatus(status) if status else r.SenderStatus.CLEAR


# --- interception ----------------------------------------------------------------------


def deliver_mt(
    db: Database,
    sender: str,
    recipient: str,
    text: str,
    *,
    message_id: str,
    now: datetime | None = None,
) -> r.Decision:
    """Judge one MT SMS before delivery and record it (delivered, quarantined or stopped).

    Idempotent on ``message_id``: a redelivery returns the first decision.
    """
    number = normalise_msisdn(recipient)
    source = r.sender_number(sender)
    text = r.storable(text)
    when = _now(now)

    def work(s: Session) -> r.Decision:
        old = s.scalar(select(am.SpamMessage).where(am.SpamMessage.message_id == message_id))
        if old is not None:
            return r.Decision(r.Action(old.action), r.Reason(old.reason), old.score, old.detail)
        lookups.subscriber(s, number)

        def classify(threshold: float | None) -> tuple[bool, float]:
            verdict = _model().classify(text, threshold)
            return verdict.is_spam, verdict.score

        decision = r.decide(source, text, _rules(s, number), classify, _sender_status(s, source))
        s.add(
            am.SpamMessage(
                message_id=message_id,
                sender=source,
                recipient=number,
                text=text,
                text_hash=r.fingerprint(text),
                action=decision.action.value,
                reason=decision.reason.value,
                detail=decision.detail[:40],
                score=decision.score,
                created_at=when,
            )
        )
        s.flush()
        return decision

    return _retry(db, work)


def is_restricted(db: Database, number: str) -> bool:
    """Whether ``number``'s outbound SMS is restricted (flagged on-net sender)."""
    with db.uow() as uow:
        return _sender_status(uow.session, r.sender_number(number)) is r.SenderStatus.RESTRICTED


def quarantine(db: Database, msisdn: str, *, now: datetime | None = None) -> list[StoredMessage]:
    """The subscriber's quarantine box: held messages of the last 30 days, newest first."""
    number = normalise_msisdn(msisdn)
    since = _now(now) - timedelta(days=r.QUARANTINE_DAYS)
    with db.uow() as uow:
        rows = uow.session.scalars(
            select(am.SpamMessage)
            .where(
                am.SpamMessage.recipient == number,
                am.SpamMessage.action == r.Action.QUARANTINE.value,
                am.SpamMessage.released_at.is_(None),
                am.SpamMessage.created_at >= since,
            )
            .order_by(am.SpamMessage.created_at.desc(), am.SpamMessage.id.desc())
        ).all()
        return [_stored(row) for row in rows]


def received(db: Database, msisdn: str, limit: int = 50) -> list[StoredMessage]:
    """Every judged message to the subscriber, newest first."""
    number = normalise_msisdn(msisdn)
    with db.uow() as uow:
        rows = uow.session.scalars(
            select(am.SpamMessage)
            .where(am.SpamMessage.recipient == number)
            .order_by(am.SpamMessage.created_at.desc(), am.SpamMessage.id.desc())
            .limit(limit)
        ).all()
        return [_stored(row) for row in rows]


def _quarantined(s: Session, msisdn: str, message_id: str) -> am.SpamMessage:
    row = s.scalar(
        select(am.SpamMessage).where(
            am.SpamMessage.message_id == message_id,
            am.SpamMessage.recipient == msisdn,
            am.SpamMessage.action == r.Action.QUARANTINE.value,
        )
    )
    if row is None:
        raise NotFound("antispam.message_unknown")
    return row


def release(db: Database, msisdn: str, message_id: str, *, now: datetime | None = None) -> None:
    """ "Not spam": deliver the held message, allowlist its sender, keep the feedback."""
    number = normalise_msisdn(msisdn)
    when = _now(now)

    def work(s: Session) -> None:
        row = _quarantined(s, number, message_id)
        if row.released_at is not None:
            return
        row.released_at = when
        s.add(
            am.SpamFeedback(
                msisdn=number,
                sender=row.sender,
                text=row.text,
                label="ham",
                score=row.score,
                reason=row.reason,
                created_at=when,
            )
        )
        s.execute(
            delete(am.SpamRule).where(
                am.SpamRule.msisdn == number,
                am.SpamRule.kind == r.RuleKind.NUMBER.value,
                am.SpamRule.value == row.sender,
            )
        )
        _add_rule(s, number, r.RuleKind.ALLOW, row.sender, when)

    _retry(db, work)


def purge(db: Database, *, now: datetime | None = None, days: int = r.QUARANTINE_DAYS) -> int:
    """Delete judged messages older than ``days`` (the quarantine box keeps 30); the count."""
    cutoff = _now(now) - timedelta(days=days)
    with db.uow() as uow:
        result = uow.session.execute(
            delete(am.SpamMessage).where(am.SpamMessage.created_at < cutoff)
        )
        uow.commit()
        return int(getattr(result, "rowcount", 0) or 0)


# --- personal rules --------------------------------------------------------------------


def _add_rule(s: Session, msisdn: str, kind: r.RuleKind, value: str, when: datetime) -> bool:
    exists = s.scalar(
        select(am.SpamRule.id).where(
            am.SpamRule.msisdn == msisdn, am.SpamRule.kind == kind.value, am.SpamRule.value == value
        )
    )
    if exists:
        return False
    kinds = (
        [r.RuleKind.NUMBER.value, r.RuleKind.PREFIX.value]
        if kind in (r.RuleKind.NUMBER, r.RuleKind.PREFIX)
        else [kind.value]
    )
    used = s.scalar(
        select(func.count())
        .select_from(am.SpamRule)
        .where(am.SpamRule.msisdn == msisdn, am.SpamRule.kind.in_(kinds))
    )
    r.check_limit(kind, used or 0)
    s.add(am.SpamRule(msisdn=msisdn, kind=kind.value, value=value, created_at=when))
    s.flush()
    return True


def add_rule(
    db: Database, msisdn: str, kind: r.RuleKind, raw: str, *, now: datetime | None = None
) -> tuple[str, bool]:
    """Add one rule; its stored value and whether it is new. Blocking a number removes it
    from the allowlist and vice versa."""
    number = normalise_msisdn(msisdn)
    value = r.rule_value(kind, raw)
    opposite = {r.RuleKind.NUMBER: r.RuleKind.ALLOW, r.RuleKind.ALLOW: r.RuleKind.NUMBER}

    def work(s: Session) -> bool:
        lookups.subscriber(s, number)
        if kind in opposite:
            s.execute(
                delete(am.SpamRule).where(
                    am.SpamRule.msisdn == number,
                    am.SpamRule.kind == opposite[kind].value,
                    am.SpamRule.value == value,
                )
            )
        return _add_rule(s, number, kind, value, _now(now))

    return value, _retry(db, work)


def remove_rule(db: Database, msisdn: str, kind: r.RuleKind, raw: str) -> tuple[str, bool]:
    """Remove one rule; its value and whether there was one."""
    number = normalise_msisdn(msisdn)
    value = r.rule_value(kind, raw)
    with db.uow() as uow:
        lookups.subscriber(uow.session, number)
        result = uow.session.execute(
            delete(am.SpamRule).where(
                am.SpamRule.msisdn == number,
                am.SpamRule.kind == kind.value,
                am.SpamRule.value == value,
            )
        )
        uow.commit()
        return value, bool(getattr(result, "rowcount", 0))


def block_sender(db: Database, msisdn: str, number: str) -> tuple[str, bool]:
    return add_rule(db, msisdn, r.RuleKind.NUMBER, number)


def unblock_sender(db: Database, msisdn: str, number: str) -> tuple[str, bool]:
    return remove_rule(db, msisdn, r.RuleKind.NUMBER, number)


def block_prefix(db: Database, msisdn: str, prefix: str) -> tuple[str, bool]:
    return add_rule(db, msisdn, r.RuleKind.PREFIX, prefix)


def block_keyword(db: Database, msisdn: str, word: str) -> tuple[str, bool]:
    return add_rule(db, msisdn, r.RuleKind.KEYWORD, word)


def unblock_keyword(db: Database, msisdn: str, word: str) -> tuple[str, bool]:
    return remove_rule(db, msisdn, r.RuleKind.KEYWORD, word)


def allow_sender(db: Database, msisdn: str, number: str) -> tuple[str, bool]:
    return add_rule(db, msisdn, r.RuleKind.ALLOW, number)


def list_rules(db: Database, msisdn: str) -> RuleSet:
    number = normalise_msisdn(msisdn)
    with db.uow() as uow:
        rules = _rules(uow.session, number)
    return RuleSet(
        rules.sensitivity,
        sorted(rules.allow),
        sorted(rules.numbers),
        sorted(rules.prefixes),
        sorted(rules.keywords),
    )


def set_sensitivity(
    db: Database, msisdn: str, sensitivity: str, *, now: datetime | None = None
) -> r.Sensitivity:
    try:
        level = r.Sensitivity(sensitivity.strip().lower())
    except ValueError:
        raise InvalidInput("antispam.sensitivity_unknown") from None
    number = normalise_msisdn(msisdn)

    def work(s: Session) -> r.Sensitivity:
        lookups.subscriber(s, number)
        row = s.get(am.SpamSetting, number)
        if row is None:
            s.add(am.SpamSetting(msisdn=number, sensitivity=level.value, updated_at=_now(now)))
        else:
            row.sensitivity, row.updated_at = level.value, _now(now)
        s.flush()
        return level

    return _retry(db, work)


# --- reports ---------------------------------------------------------------------------


def _report(
    s: Session,
    reporter: str,
    text: str,
    sender: str | None,
    channel: str,
    when: datetime,
    score: float | None = None,
) -> ReportResult:
    lookups.subscriber(s, reporter)
    digest = r.fingerprint(text)
    if sender is None:
        sender = (
            s.scalar(
                select(am.SpamMessage.sender)
                .where(am.SpamMessage.recipient == reporter, am.SpamMessage.text_hash == digest)
                .order_by(am.SpamMessage.created_at.desc(), am.SpamMessage.id.desc())
                .limit(1)
            )
            or ""
        )
    else:
        sender = r.sender_number(sender)
    old = s.scalar(
        select(am.SpamReport).where(
            am.SpamReport.reporter == reporter,
            am.SpamReport.sender == sender,
            am.SpamReport.text_hash == digest,
        )
    )
    if old is not None:
        return ReportResult(old.id, sender, True, old.status, old.outcome)
    row = am.SpamReport(
        reporter=reporter,
        sender=sender,
        text=text,
        text_hash=digest,
        score=score if score is not None else _model().score(text),
        channel=channel,
        status="open",
        created_at=when,
    )
    s.add(row)
    s.flush()
    lang = _language(s, reporter)
    ack = render("antispam.ack", lang, sender=sender) if sender else None
    queue_sms(
        s,
        reporter,
        ack or render("antispam.ack_unmatched", lang),
        dedupe_key=f"antispam:ack:{row.id}",
        sender=r.REPORT_NUMBER,
        now=when,
    )
    if sender:
        _evaluate(s, sender, when)
    return ReportResult(row.id, sender, False, row.status, row.outcome)


def report(
    db: Database,
    reporter: str,
    text: str,
    *,
    sender: str | None = None,
    channel: str = "api",
    now: datetime | None = None,
) -> ReportResult:
    """Report ``text`` as spam; without ``sender`` it is matched to the last message the
    reporter received with that text. Acknowledged by SMS; may flag the sender."""
    number = normalise_msisdn(reporter)
    body = r.storable(text)
    if not body:
        raise InvalidInput("antispam.report_empty")
    return _retry(db, lambda s: _report(s, number, body, sender, channel, _now(now)))


def report_quarantined(
    db: Database, msisdn: str, message_id: str, *, now: datetime | None = None
) -> ReportResult:
    """One click in the quarantine box: report the held message."""
    number = normalise_msisdn(msisdn)
    when = _now(now)

    def work(s: Session) -> ReportResult:
        row = _quarantined(s, number, message_id)
        row.reported_at = row.reported_at or when
        return _report(s, number, row.text, row.sender, "click", when, row.score)

    return _retry(db, work)


def _evaluate(s: Session, sender: str, when: datetime, policy: r.FlagPolicy | None = None) -> None:
    """Aggregate the sender's recent reports; flag it when the domain says so."""
    policy = policy or r.FlagPolicy()
    standing = s.get(am.SpamSender, sender)
    if standing is not None and standing.status != r.SenderStatus.CLEAR.value:
        _handle_open(s, sender, _outcome(standing), when)
        return
    since = when - policy.window
    if standing is not None and standing.lifted_at is not None:
        since = max(since, standing.lifted_at)
    reporters, mean_score = s.execute(
        select(func.count(distinct(am.SpamReport.reporter)), func.avg(am.SpamReport.score)).where(
            am.SpamReport.sender == sender, am.SpamReport.created_at >= since
        )
    ).one()
    reason = r.should_flag(
        int(reporters), float(mean_score) if mean_score is not None else None, policy
    )
    if reason is not None:
        evidence = {
            "reporters": int(reporters),
            "mean_score": float(mean_score) if mean_score is not None else None,
            "since": since,
        }
        _flag(s, sender, reason, SYSTEM, when, evidence)


def _outcome(standing: am.SpamSender) -> str:
    if standing.kind == r.SenderKind.SP.value:
        return "sp_violation"
    return "restricted" if standing.status == r.SenderStatus.RESTRICTED.value else "flagged"


def _audit(s: Session, sender: str, action: str, actor: str, when: datetime, **detail: Any) -> None:
    clean = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in detail.items()}
    s.add(am.SpamAction(sender=sender, action=action, actor=actor, detail=clean, created_at=when))


def _flag(
    s: Session,
    sender: str,
    reason: r.FlagReason,
    actor: str,
    when: datetime,
    evidence: dict[str, Any],
) -> am.SpamSender:
    on_net = s.scalar(select(m.Subscriber.id).where(m.Subscriber.msisdn == sender)) is not None
    kind = r.sender_kind(sender, on_net)
    status = r.status_after_flag(kind)
    standing = s.get(am.SpamSender, sender)
    if standing is None:
        standing = am.SpamSender(sender=sender, kind=kind.value)
        s.add(standing)
    standing.kind, standing.status, standing.reason = kind.value, status.value, reason.value
    standing.flagged_at, standing.flagged_by = when, actor
    standing.lifted_at = standing.lifted_by = None
    s.flush()
    _audit(s, sender, "flag", actor, when, reason=reason.value, kind=kind.value, **evidence)
    if status is r.SenderStatus.RESTRICTED:
        _audit(s, sender, "restrict_outbound", actor, when)
    if kind is r.SenderKind.SP:
        reports = s.scalars(
            select(am.SpamReport.id)
            .where(am.SpamReport.sender == sender, am.SpamReport.status == "open")
            .order_by(am.SpamReport.id)
            .limit(100)
        ).all()
        violation = am.SpViolation(
            access_code=sender,
            type="spam_reports",
            evidence={
                "reason": reason.value,
                "reports": list(reports),
                **{k: v.isoformat() if isinstance(v, datetime) else v for k, v in evidence.items()},
            },
            created_at=when,
        )
        s.add(violation)
        s.flush()
        _audit(s, sender, "sp_violation", actor, when, violation_id=violation.id)
    _handle_open(s, sender, _outcome(standing), when)
    return standing


def _handle_open(s: Session, sender: str, outcome: str, when: datetime) -> int:
    """Close the sender's open reports with ``outcome`` and tell each reporter."""
    rows = s.scalars(
        select(am.SpamReport).where(am.SpamReport.sender == sender, am.SpamReport.status == "open")
    ).all()
    langs = dict(
        s.execute(
            select(m.Subscriber.msisdn, m.Subscriber.language).where(
                m.Subscriber.msisdn.in_({row.reporter for row in rows})
            )
        ).all()
    )
    for row in rows:
        row.status, row.outcome, row.handled_at = "handled", outcome, when
        queue_sms(
            s,
            row.reporter,
            render(f"antispam.outcome.{outcome}", langs.get(row.reporter, "zh"), sender=sender),
            dedupe_key=f"antispam:outcome:{row.id}",
            sender=r.REPORT_NUMBER,
            now=when,
        )
    s.flush()
    return len(rows)


# --- staff actions (each audited, each reversible) ------------------------------------


def flag_sender(db: Database, sender: str, *, staff: str, now: datetime | None = None) -> str:
    """Flag ``sender`` by hand; its new status."""
    source = r.sender_number(sender)

    def work(s: Session) -> str:
        standing = s.get(am.SpamSender, source)
        if standing is not None and standing.status != r.SenderStatus.CLEAR.value:
            raise Conflict("antispam.already_flagged", sender=source)
        return _flag(s, source, r.FlagReason.STAFF, staff, _now(now), {}).status

    return _retry(db, work)


def unflag_sender(db: Database, sender: str, *, staff: str, now: datetime | None = None) -> None:
    """Reverse a flag: lift the restriction and revoke the SP violations it raised."""
    source = r.sender_number(sender)
    when = _now(now)
    with db.uow() as uow:
        s = uow.session
        standing = s.get(am.SpamSender, source)
        if standing is None or standing.status == r.SenderStatus.CLEAR.value:
            raise Conflict("antispam.not_flagged", sender=source)
        before = standing.status
        standing.status, standing.lifted_at, standing.lifted_by = "clear", when, staff
        revoked = s.execute(
            update(am.SpViolation)
            .where(
                am.SpViolation.access_code == source,
                am.SpViolation.type == "spam_reports",
                am.SpViolation.revoked_at.is_(None),
            )
            .values(revoked_at=when)
        )
        _audit(
            s,
            source,
            "unflag",
            staff,
            when,
            previous=before,
            violations_revoked=int(getattr(revoked, "rowcount", 0) or 0),
        )
        uow.commit()


def dismiss_reports(db: Database, sender: str, *, staff: str, now: datetime | None = None) -> int:
    """Close the sender's open reports as "no violation found"; how many."""
    source = r.sender_number(sender)
    when = _now(now)
    with db.uow() as uow:
        count = _handle_open(uow.session, source, "no_action", when)
        if count:
            _audit(uow.session, source, "dismiss", staff, when, reports=count)
        uow.commit()
        return count


def evaluate(db: Database, sender: str, *, now: datetime | None = None) -> str:
    """Re-run the flag rule for ``sender`` (e.g. from a scheduler); its status."""
    source = r.sender_number(sender)

    def work(s: Session) -> str:
        _evaluate(s, source, _now(now))
        return _sender_status(s, source).value

    return _retry(db, work)


# --- staff views -----------------------------------------------------------------------


def sender_status(db: Database, sender: str) -> str:
    with db.uow() as uow:
        return _sender_status(uow.session, r.sender_number(sender)).value


def report_queue(db: Database, *, status: str | None = "open", limit: int = 100) -> list[ReportRow]:
    """Reports newest first (only ``status`` ones unless None)."""
    with db.uow() as uow:
        query = (
            select(am.SpamReport, am.SpamSender.status)
            .outerjoin(am.SpamSender, am.SpamSender.sender == am.SpamReport.sender)
            .order_by(am.SpamReport.created_at.desc(), am.SpamReport.id.desc())
            .limit(limit)
        )
        if status is not None:
            query = query.where(am.SpamReport.status == status)
        return [
            ReportRow(
                row.id,
                row.reporter,
                row.sender,
                row.text,
                row.score,
                row.channel,
                row.status,
                row.outcome,
                row.created_at,
                row.handled_at,
                standing or "clear",
            )
            for row, standing in uow.session.execute(query).all()
        ]


def sender_ranking(
    db: Database, *, limit: int = 50, now: datetime | None = None
) -> list[SenderRank]:
    """Reported senders, most distinct reporters first."""
    since = _now(now) - r.FLAG_WINDOW
    rp = am.SpamReport
    reporters = func.count(distinct(rp.reporter))
    recent = func.count(distinct(case((rp.created_at >= since, rp.reporter))))
    with db.uow() as uow:
        rows = uow.session.execute(
            select(
                rp.sender,
                func.count(),
                reporters,
                recent,
                func.avg(rp.score),
                func.max(rp.created_at),
                am.SpamSender.kind,
                am.SpamSender.status,
            )
            .outerjoin(am.SpamSender, am.SpamSender.sender == rp.sender)
            .where(rp.sender != "")
            .group_by(rp.sender, am.SpamSender.kind, am.SpamSender.status)
            .order_by(reporters.desc(), func.count().desc(), rp.sender)
            .limit(limit)
        ).all()
        subscribers = set(
            uow.session.scalars(
                select(m.Subscriber.msisdn).where(m.Subscriber.msisdn.in_([x[0] for x in rows]))
            )
        )
    return [
        SenderRank(
            sender,
            kind or r.sender_kind(sender, sender in subscribers).value,
            status or "clear",
            int(count),
            int(distinct_reporters),
            int(recent_reporters),
            float(mean) if mean is not None else None,
            last if last.tzinfo else last.replace(tzinfo=UTC),
        )
        for sender, count, distinct_reporters, recent_reporters, mean, last, kind, status in rows
    ]


def actions(db: Database, *, limit: int = 100) -> list[ActionRow]:
    """The audit trail, newest first."""
    with db.uow() as uow:
        rows = uow.session.scalars(
            select(am.SpamAction)
            .order_by(am.SpamAction.created_at.desc(), am.SpamAction.id.desc())
            .limit(limit)
        ).all()
        return [
            ActionRow(a.id, a.sender, a.action, a.actor, dict(a.detail), a.created_at) for a in rows
        ]


def violations(db: Database, access_code: str | None = None) -> list[am.SpViolation]:
    """SP violations (for partner governance), newest first; detached rows."""
    with db.uow() as uow:
        query = select(am.SpViolation).order_by(am.SpViolation.id.desc())
        if access_code is not None:
            query = query.where(am.SpViolation.access_code == access_code)
        rows = list(uow.session.scalars(query).all())
        uow.session.expunge_all()
        return rows


def statistics(db: Database, *, days: int = 14, now: datetime | None = None) -> Statistics:
    """Reports and handled reports per operator-local day, top keywords of the reports."""
    today = _now(now).astimezone(OPERATOR_TZ).date()
    first = today - timedelta(days=days - 1)
    start = datetime(first.year, first.month, first.day, tzinfo=OPERATOR_TZ)
    rp = am.SpamReport
    with db.uow() as uow:
        s = uow.session
        created = s.scalars(select(rp.created_at).where(rp.created_at >= start)).all()
        handled = s.scalars(select(rp.handled_at).where(rp.handled_at >= start)).all()
        texts = s.scalars(select(rp.text).where(rp.created_at >= start).limit(5000)).all()
        open_reports = s.scalar(select(func.count()).select_from(rp).where(rp.status == "open"))
        flagged = s.scalar(
            select(func.count())
            .select_from(am.SpamSender)
            .where(am.SpamSender.status != r.SenderStatus.CLEAR.value)
        )

    def per_day(values: Iterable[datetime | None]) -> Counter[date]:
        return Counter(v.astimezone(OPERATOR_TZ).date() for v in values if v is not None)

    made, done = per_day(created), per_day(handled)
    series = [first + timedelta(days=i) for i in range(days)]
    return Statistics(
        [DayStats(d, made[d], done[d]) for d in series],
        top_keywords(texts),
        int(open_reports or 0),
        int(flagged or 0),
    )


_STOP_WORDS = (
    "the and you your for are with this that have has from not but can will our now get "
    "free call txt text reply send www com http https 我们 您的 你的 一个 可以 如果 没有 "
    "就是 这个 什么 已经 还是 现在 今天 进行 以及 或者 回复 中国移动"
)
_STOP = frozenset(_STOP_WORDS.split())
_WORD = re.compile(r"[a-z]{3,}|[\u4e00-\u9fff]{2,}")


@lru_cache(maxsize=1)
def _jieba() -> Any:
    import jieba  # type: ignore[import-untyped]

    jieba.setLogLevel(logging.WARNING)
    return jieba


def top_keywords(texts: Iterable[str], n: int = 10) -> list[tuple[str, int]]:
    """The words found in the most texts (jieba for Chinese), common words left out."""
    seen: Counter[str] = Counter()
    cut = _jieba().lcut
    for text in texts:
        words = {
            w
            for token in cut(r.normalise_text(text))
            for w in _WORD.findall(token)
            if w == token and w not in _STOP
        }
        seen.update(words)
    return seen.most_common(n)


register(
    {
        "antispam.report_empty": (
            "举报内容不能为空，请按“号码*短信内容”格式发送。",
            "The report is empty; send <number>*<text>.",
        )
    }
)
