"""How much waits in this node's outboxes (bus events, SMS notifications, TMF hub
deliveries), for the gauges."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from telcare import clock
from telcare.ops.metrics import OUTBOX_BACKLOG, OUTBOX_OLDEST_AGE
from telcare.store.hub_models import HubDelivery
from telcare.store.models import OutboundSms
from telcare.store.outbox import OutboxEvent
from telcare.store.uow import Database


def outboxes(db: Database, now: datetime | None = None) -> dict[str, tuple[int, float]]:
    """Per outbox (``events``, ``sms``, ``tmf_hub``): rows waiting and the oldest one's
    age in seconds (a hub delivery waits from its event until delivered or dead)."""
    now = now or clock.now()
    ev, sms, hub = OutboxEvent, OutboundSms, HubDelivery
    with db.read() as uow:
        s = uow.session
        figures = {
            "events": s.execute(
                select(func.count(), func.min(ev.created_at)).where(ev.published_at.is_(None))
            ).one(),
            "sms": s.execute(
                select(func.count(), func.min(sms.not_before)).where(
                    sms.sent_at.is_(None), sms.not_before <= now
                )
            ).one(),
            "tmf_hub": s.execute(
                select(func.count(), func.min(hub.created_at)).where(hub.status == "pending")
            ).one(),
        }
    out: dict[str, tuple[int, float]] = {}
    for name, (count, oldest) in figures.items():
        if oldest is not None and oldest.tzinfo is None:  # SQLite hands back naive UTC
            oldest = oldest.replace(tzinfo=now.tzinfo)
        age = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
        out[name] = (int(count or 0), age)
    return out


def refresh_gauges(db: Database) -> None:
    """Set ``telcare_outbox_backlog`` and ``telcare_outbox_oldest_age_seconds``."""
    for name, (count, age) in outboxes(db).items():
        OUTBOX_BACKLOG.labels(name).set(count)
        OUTBOX_OLDEST_AGE.labels(name).set(age)
