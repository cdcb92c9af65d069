"""Stopping SP subscriptions: ``TD`` / ``TD<code>`` to the access code, one subscription by
id (hall, API, staff) and the SP lines of the ``0000`` cancel menu."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from telcare.domain import partners as rules
from telcare.domain.access import Principal
from telcare.domain.errors import NotSubscribed
from telcare.domain.messages import N_
from telcare.services import lookups, orders
from telcare.services.partners.registry import _now, _offer, _require_line, _service
from telcare.store import models as m
from telcare.store import partner_models as pm
from telcare.store.uow import Database


def _cancel_rows(
    s: Session, rows: list[pm.SpSubscription], now: datetime, reason: str
) -> list[orders.Cancelled]:
    done = []
    for row in rows:
        if row.state == rules.SubState.CANCELLED.value:
            continue
        row.state, row.cancelled_at, row.cancel_reason = "cancelled", now, reason
        done.append(orders.Cancelled(_offer(s.get_one(m.SpService, row.service_id)), now))
    s.flush()
    return done


def cancel(
    db: Database,
    msisdn: str,
    access_code: str,
    service_code: str | None = None,
    *,
    channel: str,
    now: datetime | None = None,
) -> list[orders.Cancelled]:
    """``TD`` (every service of the SP) or ``TD<code>``: cancelled at once, no next fee."""
    now = _now(now)
    with db.uow() as uow:
        s = uow.session
        sub = lookups.subscriber(s, msisdn)
        query = select(pm.SpSubscription).where(
            pm.SpSubscription.subscriber_id == sub.id,
            pm.SpSubscription.access_code == access_code,
            pm.SpSubscription.state != "cancelled",
        )
        if service_code:
            query = query.where(
                pm.SpSubscription.service_id == _service(s, access_code, service_code).id
            )
        done = _cancel_rows(s, list(s.scalars(query.with_for_update())), now, channel)
        if not done:
            raise NotSubscribed(N_("sp.not_subscribed"), access=access_code)
        uow.commit()
        return done


def cancel_subscription(
    db: Database, who: Principal, subscription_id: int, *, channel: str, now: datetime | None = None
) -> orders.Cancelled:
    """Cancel one subscription by id (the hall, the API, staff at the business hall)."""
    now = _now(now)
    with db.uow() as uow:
        s = uow.session
        row = s.get(pm.SpSubscription, subscription_id)
        if row is None:
            raise NotSubscribed(N_("order.not_subscribed"), code=str(subscription_id))
        sub = s.get_one(m.Subscriber, row.subscriber_id)
        _require_line(who, sub)
        done = _cancel_rows(s, [row], now, channel)
        if not done:
            raise NotSubscribed(N_("order.not_subscribed"), code=str(subscription_id))
        uow.commit()
        return done[0]


def _menu_list(s: Session, subscriber_id: int, _now: datetime) -> list[tuple[int, orders.Offer]]:
    rows = s.execute(
        select(pm.SpSubscription.id, m.SpService)
        .join(m.SpService, m.SpService.id == pm.SpSubscription.service_id)
        .where(
            pm.SpSubscription.subscriber_id == subscriber_id,
            pm.SpSubscription.state == "active",
            m.SpService.price_fen > 0,
        )
        .order_by(pm.SpSubscription.id)
    ).all()
    return [(i, _offer(svc)) for i, svc in rows]


def _menu_cancel(
    s: Session, subscriber_id: int, ids: list[int], now: datetime
) -> list[orders.Cancelled]:
    rows = s.scalars(
        select(pm.SpSubscription).where(
            pm.SpSubscription.id.in_(ids), pm.SpSubscription.subscriber_id == subscriber_id
        )
    ).all()
    return _cancel_rows(s, list(rows), now, "menu")


orders.register_menu_source("sp", _menu_list, _menu_cancel)
