"""The state of each notification MT in the database, for the gateway that sends it.

``queued`` rows whose time has come are *claimed* by one gateway (``sending``, with its
owner name and a lease it renews); the SMSC's acceptance makes them ``submitted`` (with
``sent_at`` and the SMSC's message id), a delivery receipt ``delivered`` or ``failed``, a
refusal or the retry limit ``failed``. A gateway that stops releases what it has not
sent; one that died loses its claims when the lease runs out. Staff read :func:`states`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update

from telcare import clock
from telcare.store.models import OutboundSms
from telcare.store.sms_models import OutboundSmsPart
from telcare.store.uow import Database

LEASE = timedelta(minutes=5)
"""How long a claim holds without renewal: after that another gateway may take the row."""

FINAL_RECEIPT_FAILURES = frozenset({"UNDELIV", "EXPIRED", "REJECTD", "DELETED"})


@dataclass(frozen=True, slots=True)
class Claimed:
    """A notification this gateway now owns and must send."""

    outbox_id: int
    sender: str
    recipient: str
    text: str


@dataclass(frozen=True, slots=True)
class MtState:
    """What staff see of one notification MT."""

    id: int
    recipient: str
    sender: str
    text: str
    status: str
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    done_at: datetime | None
    smsc_message_id: str | None
    last_error: str | None


def claim(
    db: Database,
    owner: str,
    *,
    now: datetime | None = None,
    limit: int = 200,
    lease: timedelta = LEASE,
) -> list[Claimed]:
    """Take up to ``limit`` due rows for ``owner``: queued ones, or ones whose claim expired.

    The guarded UPDATE makes a row one gateway's even when several claim at once.
    """
    now = now or clock.now()
    o = OutboundSms
    claimable = or_(
        o.status == "queued",
        and_(o.status == "sending", o.claimed_at < now - lease, o.claimed_by != owner),
    )
    with db.uow() as uow:
        ids = list(
            uow.session.scalars(
                select(o.id).where(claimable, o.not_before <= now).order_by(o.id).limit(limit)
            )
        )
        if not ids:
            return []
        uow.session.execute(
            update(o)
            .where(o.id.in_(ids), claimable)
            .values(status="sending", claimed_by=owner, claimed_at=now, attempts=o.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        rows = uow.session.execute(
            select(o.id, o.sender, o.recipient, o.text)
            .where(o.id.in_(ids), o.claimed_by == owner, o.claimed_at == now)
            .order_by(o.id)
        ).all()
        uow.commit()
    return [Claimed(*row) for row in rows]


def renew(db: Database, owner: str, now: datetime | None = None) -> int:
    """Extend ``owner``'s claims (rows still being sent); returns how many."""
    now = now or clock.now()
    o = OutboundSms
    with db.uow() as uow:
        n = uow.session.execute(
            update(o)
            .where(o.status == "sending", o.claimed_by == owner)
            .values(claimed_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        uow.commit()
    return int(n or 0)


def release(db: Database, owner: str) -> int:
    """Give back every row ``owner`` claimed but did not get accepted (on a clean stop)."""
    o = OutboundSms
    with db.uow() as uow:
        n = uow.session.execute(
            update(o)
            .where(o.status == "sending", o.claimed_by == owner)
            .values(status="queued", claimed_by=None, claimed_at=None)
            .execution_options(synchronize_session=False)
        ).rowcount
        uow.commit()
    return int(n or 0)


def submitted(
    db: Database, outbox_id: int, message_ids: list[str], now: datetime | None = None
) -> None:
    """The SMSC accepted every part: record when, and its message ids for the receipts."""
    now = now or clock.now()
    with db.uow() as uow:
        row = uow.session.get(OutboundSms, outbox_id)
        if row is None:
            return
        if row.status in ("queued", "sending"):
            row.status = "submitted"
        row.sent_at = row.sent_at or now
        row.smsc_message_id = (message_ids[0] if message_ids else None) or row.smsc_message_id
        row.claimed_by = None
        for message_id in {m for m in message_ids if m}:
            part = uow.session.get(OutboundSmsPart, message_id)
            if part is None:
                uow.session.add(
                    OutboundSmsPart(message_id=message_id, outbound_sms_id=row.id, accepted_at=now)
                )
            else:  # an SMSC that reuses ids: the newest acceptance wins
                part.outbound_sms_id, part.accepted_at, part.receipt = row.id, now, None
        uow.commit()


def failed(db: Database, outbox_id: int, reason: str, now: datetime | None = None) -> None:
    """The SMSC refused the row or the retries ran out."""
    with db.uow() as uow:
        row = uow.session.get(OutboundSms, outbox_id)
        if row is None or row.status in ("delivered", "failed"):
            return
        row.status, row.last_error = "failed", reason[:200]
        row.done_at, row.claimed_by = now or clock.now(), None
        uow.commit()


def receipt(db: Database, message_id: str, state: str, now: datetime | None = None) -> bool:
    """A delivery receipt: ``DELIVRD`` delivers the row, a final failure fails it.

    Returns whether the message id was ours.
    """
    with db.uow() as uow:
        part = uow.session.get(OutboundSmsPart, message_id)
        if part is None:
            return False
        part.receipt = state[:10]
        row = uow.session.get(OutboundSms, part.outbound_sms_id)
        if row is not None and row.status in ("sending", "submitted"):
            if state == "DELIVRD":
                row.status, row.done_at = "delivered", now or clock.now()
            elif state in FINAL_RECEIPT_FAILURES:
                row.status, row.done_at = "failed", now or clock.now()
                row.last_error = f"delivery receipt {state}"
        uow.commit()
    return True


def states(
    db: Database,
    *,
    recipient: str | None = None,
    status: str | None = None,
    limit: int = 100,
) -> list[MtState]:
    """Notification MTs, newest first, for one recipient and/or in one state."""
    o = OutboundSms
    query = select(o).order_by(o.id.desc()).limit(limit)
    if recipient is not None:
        query = query.where(o.recipient == recipient)
    if status is not None:
        query = query.where(o.status == status)
    with db.uow() as uow:
        return [
            MtState(
                r.id,
                r.recipient,
                r.sender,
                r.text,
                r.status,
                r.attempts,
                r.created_at,
                r.sent_at,
                r.done_at,
                r.smsc_message_id,
                r.last_error,
            )
            for r in uow.session.scalars(query)
        ]
