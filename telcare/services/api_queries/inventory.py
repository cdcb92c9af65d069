"""Product inventory (TMF637): one subscription of a visible line and its TMF637 status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from telcare.domain import catalog
from telcare.domain.access import Principal
from telcare.domain.errors import NotFound
from telcare.services import lookups
from telcare.services.api_queries.views import Line, _checked, _now
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
            raise NotFound("api.not_found")
        line = _checked(who, s.get(m.Subscriber, row.subscriber_id))
        product = lookups.to_domain(s.get_one(m.Product, row.product_code))
        return InventoryItem(row.id, line, product, row.state, row.starts_at, row.ends_at)


def product_status(item: InventoryItem, now: datetime | None = None) -> str:
    """The TMF637 status of a subscription at ``now``."""
    now = _now(now)
    ended = item.ends_at is not None and item.ends_at <= now
    if item.state == "pending":
        return "pendingActive"
    if item.state == "active":
        return "terminated" if ended else "active"
    if item.state == "cancelled" and not ended:
        return "pendingTerminate"
    return "terminated"
