"""Flagging reported senders: the rule, restriction, SP violations, audit and staff actions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import distinct, func, select, update
from sqlalchemy.orm import Session

from telcare.domain import antispam_rules as r
from telcare.domain import roles
from telcare.domain.access import Principal
from telcare.domain.errors import Conflict
from telcare.domain.messages import N_, render
from telcare.services.antispam.common import _now, _retry, _sender_status
from telcare.services.notify import queue_sms
from telcare.store import antispam_models as am
from telcare.store import models as m
from telcare.store.uow import Database

SYSTEM = "system"


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


def flag_sender(db: Database, sender: str, *, who: Principal, now: datetime | None = None) -> str:
    """Flag ``sender`` by hand (a role allowed ``antispam.sender.flag``); its new status."""
    roles.require(who, "antispam.sender.flag")
    staff = who.subject
    source = r.sender_number(sender)

    def work(s: Session) -> str:
        standing = s.get(am.SpamSender, source)
        if standing is not None and standing.status != r.SenderStatus.CLEAR.value:
            raise Conflict(N_("antispam.already_flagged"), sender=source)
        return _flag(s, source, r.FlagReason.STAFF, staff, _now(now), {}).status

    return _retry(db, work)


def unflag_sender(
    db: Database, sender: str, *, who: Principal, now: datetime | None = None
) -> None:
    """Reverse a flag: lift the restriction and revoke the SP violations it raised."""
    roles.require(who, "antispam.sender.flag")
    staff = who.subject
    source = r.sender_number(sender)
    when = _now(now)
    with db.uow() as uow:
        s = uow.session
        standing = s.get(am.SpamSender, source)
        if standing is None or standing.status == r.SenderStatus.CLEAR.value:
            raise Conflict(N_("antispam.not_flagged"), sender=source)
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


def dismiss_reports(
    db: Database, sender: str, *, who: Principal, now: datetime | None = None
) -> int:
    """Close the sender's open reports as "no violation found"; how many."""
    roles.require(who, "antispam.sender.flag")
    staff = who.subject
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
