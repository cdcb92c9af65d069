"""The relay's side of the outbox: reading pending events and stamping them published
(``telcare.store.outbox`` writes them, in the services' transactions)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from telcare import clock
from telcare.store.outbox import OutboxEvent
from telcare.store.uow import Database


@dataclass(frozen=True, slots=True)
class Message:
    """One event as it travels: ``event_id`` doubles as JetStream's ``Nats-Msg-Id``."""

    row_id: int
    subject: str
    event_id: str
    type: str
    data: bytes


def pending(db: Database, limit: int = 500) -> list[Message]:
    """Unpublished events, oldest first (the order the relay must keep)."""
    o = OutboxEvent
    with db.uow() as uow:
        rows = uow.session.execute(
            select(o.id, o.subject, o.event_id, o.type, o.payload)
            .where(o.published_at.is_(None))
            .order_by(o.id)
            .limit(limit)
        ).all()
    return [
        Message(r[0], r[1], r[2], r[3], json.dumps(r[4], ensure_ascii=False).encode()) for r in rows
    ]


def mark_published(db: Database, row_ids: list[int], now: datetime | None = None) -> None:
    with db.uow() as uow:
        uow.session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.id.in_(row_ids))
            .values(published_at=now or clock.now())
        )
        uow.commit()


def backlog(db: Database) -> int:
    with db.uow() as uow:
        return int(
            uow.session.scalar(select(func.count()).where(OutboxEvent.published_at.is_(None))) or 0
        )
