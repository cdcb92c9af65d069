"""The triggers: shop visits, 10086 calls, closed tickets (bus), G3 orders, ended chats, a
manual send."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from telcare.domain import surveys as sv
from telcare.domain.errors import InvalidInput
from telcare.domain.messages import N_
from telcare.services import orders
from telcare.services.surveys.sending import Sent, record_contact
from telcare.store.uow import Database


def record_visit(
    db: Database,
    msisdn: str,
    shop_code: str,
    province: str,
    *,
    visit_id: str,
    now: datetime | None = None,
) -> Sent:
    """A visit recorded at a shop (by the shop's system or a clerk)."""
    return record_contact(
        db,
        sv.Trigger.SHOP,
        msisdn,
        source_key=f"visit:{visit_id}",
        province=province,
        shop_code=shop_code,
        now=now,
    )


def record_call(
    db: Database,
    msisdn: str,
    agent: str,
    *,
    call_id: str,
    province: str | None = None,
    now: datetime | None = None,
) -> Sent:
    """A 10086 call closed by an agent."""
    return record_contact(
        db,
        sv.Trigger.HOTLINE,
        msisdn,
        source_key=f"call:{call_id}",
        province=province,
        agent=agent,
        now=now,
    )


def record_chat(
    db: Database,
    msisdn: str,
    *,
    chat_id: int,
    province: str,
    agent: str | None = None,
    now: datetime | None = None,
) -> Sent:
    """An online chat that ended (with an agent or the assistant alone): once per chat."""
    return record_contact(
        db,
        sv.Trigger.CHAT,
        msisdn,
        source_key=f"chat:{chat_id}",
        province=province,
        agent=agent,
        ref=str(chat_id),
        now=now,
    )


def record_g3_subscription(
    db: Database, msisdn: str, *, subscription_id: str, now: datetime | None = None
) -> Sent:
    """A new G3 subscription (to be called by the ordering flow; see docs/surveys.md)."""
    return record_contact(
        db, sv.Trigger.G3, msisdn, source_key=f"g3:{subscription_id}", ref=subscription_id, now=now
    )


def on_ticket_closed(db: Database, event: Mapping[str, Any]) -> Sent | None:
    """Bus subscriber for ``ticket.closed``: idempotent by ``event_id`` (at least once)."""
    ticket = event.get("ticket") or {}
    msisdn = (event.get("survey") or {}).get("msisdn") or ticket.get("msisdn")
    if not msisdn:
        return None
    occurred = event.get("occurred_at")
    return record_contact(
        db,
        sv.Trigger.TICKET,
        str(msisdn),
        source_key=f"ticket:{event['event_id']}",
        province=ticket.get("province"),
        ref=str(event.get("key") or ticket.get("id") or "")[:60] or None,
        now=datetime.fromisoformat(occurred) if occurred else None,
    )


def ticket_closed_subscriber(db: Database, event: Mapping[str, Any]) -> None:
    """:func:`on_ticket_closed` in the bus's subscriber shape."""
    on_ticket_closed(db, event)


def g3_subscribed(db: Database, msisdn: str, done: orders.Subscribed, now: datetime) -> None:
    """:data:`orders.hooks.on_subscribed` hook: a committed subscription to a G3 package
    (:func:`telcare.domain.surveys.is_g3_package`) is a ``g3`` contact, keyed by the
    subscription id (so it is recorded once)."""
    offer = done.offer
    if sv.is_g3_package(offer.code, offer.name_zh, offer.name_en):
        record_g3_subscription(db, msisdn, subscription_id=str(done.subscription_id), now=now)


def hook_orders() -> None:
    """Register :func:`g3_subscribed` with :data:`orders.hooks.on_subscribed` (idempotent):
    every process that takes orders (the web/API app, the SMS gateway) calls it."""
    if g3_subscribed not in orders.hooks.on_subscribed:
        orders.hooks.on_subscribed.append(g3_subscribed)


def send_now(
    db: Database,
    msisdn: str,
    trigger: str,
    *,
    province: str | None = None,
    now: datetime | None = None,
) -> Sent:
    """Send one survey now, ignoring sampling (demos, tests). The 7-day rule and quiet
    hours still hold."""
    try:
        kind = sv.Trigger(trigger)
    except ValueError:
        raise InvalidInput(N_("survey.bad_trigger"), value=trigger) from None
    return record_contact(
        db,
        kind,
        msisdn,
        source_key=f"manual:{uuid.uuid4().hex}",
        province=province,
        now=now,
        sample=False,
    )
