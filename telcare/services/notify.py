"""Notifications by SMS through the outbox: queued in the caller's transaction.

Every proactive SMS (reminders, barring notices, acknowledgements) is written here
in the same transaction as the fact it reports, and drained by :func:`due` /
:func:`mark_sent` from an adapter that delivers MT messages at once; the SMPP gateway
claims rows and records their delivery state through :mod:`telcare.services.mt_state`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from telcare import clock
from telcare.domain.sms_segments import segment
from telcare.store import bulk
from telcare.store.models import OutboundSms
from telcare.store.uow import Database

SELFCARE_NUMBER = "10086"


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One segment of a queued notification (``outbox_id`` is shared by its segments)."""

    outbox_id: int
    sender: str
    recipient: str
    text: str


@dataclass(frozen=True, slots=True)
class Notice:
    """One SMS to queue; ``dedupe_key`` makes it at most once."""

    recipient: str
    text: str
    dedupe_key: str
    sender: str = SELFCARE_NUMBER
    not_before: datetime | None = None


def queue_sms(
    session: Session,
    recipient: str,
    text: str,
    *,
    dedupe_key: str,
    sender: str = SELFCARE_NUMBER,
    not_before: datetime | None = None,
    now: datetime | None = None,
) -> bool:
    """Queue one SMS unless ``dedupe_key`` was queued before; True if queued."""
    notice = Notice(recipient, text, dedupe_key, sender, not_before)
    return queue_many(session, [notice], now=now) == 1


def queue_many(session: Session, notices: list[Notice], *, now: datetime | None = None) -> int:
    """Queue many SMS in one statement; those whose ``dedupe_key`` exists are skipped.

    Returns how many were queued.
    """
    if not notices:
        return 0
    now = now or clock.now()
    rows = [
        {
            "dedupe_key": n.dedupe_key,
            "sender": n.sender,
            "recipient": n.recipient,
            "text": n.text,
            "created_at": now,
            "not_before": n.not_before or now,
        }
        for n in notices
    ]
    return bulk.insert_rows(session, OutboundSms, rows, conflict=["dedupe_key"])


def due(db: Database, now: datetime | None = None, limit: int = 500) -> list[Outgoing]:
    """Queued messages whose time has come, oldest first, split into segments."""
    now = now or clock.now()
    with db.uow() as uow:
        rows = uow.session.scalars(
            select(OutboundSms)
            .where(
                OutboundSms.status == "queued",
                OutboundSms.sent_at.is_(None),
                OutboundSms.not_before <= now,
            )
            .order_by(OutboundSms.id)
            .limit(limit)
        ).all()
        return [
            Outgoing(row.id, row.sender, row.recipient, part)
            for row in rows
            for part in segment(row.text)
        ]


def mark_sent(db: Database, ids: list[int], now: datetime | None = None) -> None:
    with db.uow() as uow:
        for row in uow.session.scalars(select(OutboundSms).where(OutboundSms.id.in_(ids))):
            row.sent_at = now or clock.now()
            row.status = "submitted"
        uow.commit()


def last_id(db: Database) -> int:
    """The newest outbox row's id (0 when empty): a mark to find what is queued after it."""
    with db.read() as uow:
        return int(uow.session.scalar(select(func.max(OutboundSms.id))) or 0)


def queued_since(db: Database, after_id: int, recipient: str) -> list[tuple[str, str]]:
    """``(sender, text)`` of the notifications queued for ``recipient`` after ``after_id``
    (what an MO caused besides its direct reply: the 10086999 acknowledgement)."""
    with db.read() as uow:
        rows = uow.session.execute(
            select(OutboundSms.sender, OutboundSms.text)
            .where(OutboundSms.id > after_id, OutboundSms.recipient == recipient)
            .order_by(OutboundSms.id)
        ).all()
    return [(str(s), str(t)) for s, t in rows]
