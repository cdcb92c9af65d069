"""The TMF hub: listeners registered per API, the events written in the transaction of
the change they tell of (the hub's outbox), and one delivery per listener and event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from telcare.store.models import BIG_ID, Base


class HubListener(Base):
    """A callback registered on one API (``DELETE …/hub/{id}`` stamps ``deleted_at``)."""

    __tablename__ = "tmf_hub_listener"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    api: Mapped[str] = mapped_column(String(40))
    callback: Mapped[str] = mapped_column(String(500))
    query: Mapped[str | None] = mapped_column(String(500))
    event_types: Mapped[list[str]] = mapped_column(JSON)
    secret: Mapped[str] = mapped_column(String(64))  # the HMAC key (shown once)
    owner: Mapped[str] = mapped_column(String(60))
    province: Mapped[str] = mapped_column(String(2))  # HQ: every province's events
    created_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None]
    __table_args__ = (Index("ix_tmf_hub_listener_api", "api", "deleted_at"),)


class HubEvent(Base):
    """One event of one resource, written with the change; ``resource_key`` orders a
    resource's events (``id`` order is their order)."""

    __tablename__ = "tmf_hub_event"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    api: Mapped[str] = mapped_column(String(40))
    event_type: Mapped[str] = mapped_column(String(60))
    resource_key: Mapped[str] = mapped_column(String(120))
    province: Mapped[str | None] = mapped_column(String(2))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    occurred_at: Mapped[datetime]


class HubDelivery(Base):
    """An event on its way to one listener: ``pending`` (due at ``next_at``),
    ``delivered`` or ``dead`` (after the last attempt; staff may replay it)."""

    __tablename__ = "tmf_hub_delivery"
    id: Mapped[int] = mapped_column(BIG_ID, primary_key=True)
    listener_id: Mapped[int] = mapped_column(ForeignKey("tmf_hub_listener.id"))
    event_id: Mapped[int] = mapped_column(ForeignKey("tmf_hub_event.id"))
    resource_key: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_at: Mapped[datetime]
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]
    __table_args__ = (
        CheckConstraint("status in ('pending','delivered','dead')", name="status"),
        Index("ix_tmf_hub_delivery_due", "status", "next_at"),
        Index("ix_tmf_hub_delivery_order", "listener_id", "resource_key", "status", "id"),
    )
