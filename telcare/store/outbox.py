"""The transactional outbox: events written in the transaction that caused them.

Services call :func:`append` inside their unit of work; the relay in ``telcare.bus``
reads pending rows in ``id`` order, publishes them and stamps ``published_at``.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from telcare.store.models import BIG_ID, Base


class OutboxEvent(Base):
    """A domain event written in the transaction that caused it; the relay publishes
    rows in ``id`` order and stamps ``published_at`` once the bus has them."""

    __tablename__ = "outbox_event"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    subject: Mapped[str] = mapped_column(String(120))
    type: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(60))  # the aggregate (ticket id, taxonomy)
    seq: Mapped[int] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    published_at: Mapped[datetime | None]
    __table_args__ = (Index("ix_outbox_event_pending", "published_at", "id"),)


def append(
    s: Session, subject: str, kind: str, key: str, seq: int, data: dict[str, Any], now: datetime
) -> str:
    """Write one event for ``key``'s change number ``seq``; its new event id."""
    event_id = str(uuid.uuid4())
    payload = {
        "event_id": event_id,
        "type": kind,
        "key": key,
        "seq": seq,
        "occurred_at": now.astimezone(UTC).isoformat(),
        **data,
    }
    s.add(
        OutboxEvent(
            event_id=event_id,
            subject=subject,
            type=kind,
            key=key,
            seq=seq,
            payload=payload,
            created_at=now,
        )
    )
    return event_id
