"""Product inventory (TMF637): one subscription of a visible line and its TMF637 status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from telcare.domain import catalog
from telcare.domain.access import Principal
from telcare.domain.errors import NotFound
from telcare.domain.messages import N_
from telcare.services import lookups
from telcare.services.api_queries.views import Line, Page, _checked, _line, _now, visible_lines
from telcare.store import models as m
from telcare.store.uow import Database


@dataclass(frozen=True, slots=True)
class InventoryItem:
    id: int
    line: Line
    product: catalog.Product
    state: str
    starts_at: datetime
    ends_at: datetime | None


def inventory_item(db: Database, who: Principal, subscription_id: int) -> InventoryItem:
    with db.uow() as uow:
        s = uow.session
        row = s.get(m.Subscription, subscription_id)
        if row is None:
            raise NotFound(N_("api.not_found"))
        line = _checked(who, s.get(m.Subscriber, row.subscriber_id))
        product = lookups.to_domain(s.get_one(m.Product, row.product_code))
        return InventoryItem(row.id, line, product, row.state, row.starts_at, row.ends_at)


def inventory_items(
    db: Database, who: Principal, line: Line | None, offset: int, limit: int
) -> Page[InventoryItem]:
    """The subscriptions in force (active) of the line, or of every line the caller may
    see (``line`` None): by line, base plan first."""
    with db.uow() as uow:
        s = uow.session
        where: list[Any] = [m.Subscription.state == "active", m.Subscriber.status != "closed"]
        if line is not None:
            _checked(who, s.get(m.Subscriber, line.id))
            where.append(m.Subscriber.id == line.id)
        else:
            where.append(visible_lines(who))
        base = (
            select(m.Subscription, m.Subscriber, m.Product)
            .join(m.Subscriber, m.Subscriber.id == m.Subscription.subscriber_id)
            .join(m.Product, m.Product.code == m.Subscription.product_code)
            .where(*where)
        )
        total = s.scalar(select(func.count()).select_from(base.subquery())) or 0
        rows = s.execute(
            base.order_by(
                m.Subscriber.id,
                m.Product.kind != "base_plan",
                m.Subscription.starts_at,
                m.Subscription.id,
            )
            .offset(offset)
            .limit(limit)
        ).all()
        return Page(
            [
                InventoryItem(
                    row.id,
                    _line(sub),
                    lookups.to_domain(product),
                    row.state,
                    row.starts_at,
                    row.ends_at,
                )
                for row, sub, product in rows
            ],
            total,
        )


def product_status(item: InventoryItem, now: datetime | None = None) -> str:
    """The TMF637 status of a subscription at ``now``."""
    now = _now(now)
    ended = item.ends_at is not None and item.ends_at <= now
    if item.state == "pending" or (item.state == "active" and item.starts_at > now):
        return "pendingActive"  # a base-plan change waiting for the 1st is active later
    if item.state == "active":
        return "terminated" if ended else "active"
    if item.state == "cancelled" and not ended:
        return "pendingTerminate"
    return "terminated"
