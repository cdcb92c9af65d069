"""Delivery through the filter: judge each MT SMS, the quarantine box, "not spam", purging."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from telcare.domain import antispam_rules as r
from telcare.domain.errors import NotFound
from telcare.domain.messages import N_
from telcare.domain.msisdn import normalise_msisdn
from telcare.ops.metrics import SMS_FIREWALL
from telcare.services import lookups
from telcare.services.antispam.classifier import current_classifier
from telcare.services.antispam.common import _now, _retry, _sender_status
from telcare.services.antispam.rules import _add_rule, _rules
from telcare.services.notify import queue_sms
from telcare.store import antispam_models as am
from telcare.store.uow import Database


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
        return judge(s, message_id, source, number, text, _sender_status(s, source), when)

    decision = _retry(db, work)
    SMS_FIREWALL.labels(decision.action.value, decision.reason.value).inc()
    return decision


def judge(
    s: Session,
    message_id: str,
    source: str,
    number: str,
    text: str,
    status: r.SenderStatus,
    when: datetime,
    *,
    enterprise: bool = False,
    **columns: Any,
) -> r.Decision:
    """Decide on one SMS to ``number`` (its rules, the sender's standing, the classifier
    only when needed) and record the decision; ``columns`` are extra ``spam_message``
    values (a person-to-person SMS's flag and MinHash)."""

    def classify(threshold: float | None) -> tuple[bool, float]:
        verdict = current_classifier().classify(text, threshold)
        return verdict.is_spam, verdict.score

    decision = r.decide(source, text, _rules(s, number), classify, status, enterprise)
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
            **columns,
        )
    )
    s.flush()
    return decision


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
        raise NotFound(N_("antispam.message_unknown"))
    return row


def release(db: Database, msisdn: str, message_id: str, *, now: datetime | None = None) -> None:
    """ "Not spam": deliver the held message, allowlist its sender, keep the feedback.

    A person-to-person SMS held by the firewall is queued to the recipient now."""
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
        if row.p2p:  # held by the firewall, never sent: deliver it now, from its sender
            queue_sms(
                s,
                number,
                row.text,
                dedupe_key=f"antispam:release:{row.message_id}",
                sender=row.sender,
                now=when,
            )

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
