"""Product orders (TMF622): the pending order, the orders a line's subscriptions stand for, by ID.

A product order is identified through its line:

* ``<line>-<created µs>``: a charged order that waits for confirmation (the
  pending confirmation shared with SMS ``Y``/``N``); once confirmed, by either
  channel, it resolves to the subscription it created (also listed as below);
* ``<line>-s<subscription>``: an order that took effect at once (free products);
* ``<line>-c<subscription>``: a cancellation (``delete`` item).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from telcare.domain import subscriptions as rules
from telcare.domain.access import Principal
from telcare.domain.errors import NotFound
from telcare.domain.messages import N_
from telcare.services.api_queries.views import Line, Page, _checked, _line, _now, visible_lines
from telcare.services.orders import Offer
from telcare.store import models as m
from telcare.store.uow import Database

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class OrderView:
    id: str
    line: Line
    action: str  # add | delete
    offer: Offer
    state: str  # pending | completed | cancelled
    order_date: datetime | None
    completion_date: datetime | None
    confirm_by: datetime | None = None
    subscription_id: int | None = None


_PENDING_ID = re.compile(r"(\d{1,12})-(\d{7,20})")
_DONE_ID = re.compile(r"(\d{1,12})-([sc])(\d{1,12})")


def _stamp(created_at: datetime) -> str:
    return f"{created_at.timestamp():.6f}".replace(".", "")


def _pending_view(line: Line, row: m.PendingConfirmation, now: datetime) -> OrderView:
    expired = rules.confirmation_expired(row.created_at, now)
    return OrderView(
        id=f"{line.id}-{_stamp(row.created_at)}",
        line=line,
        action="add",
        offer=Offer(**row.payload["offer"]),
        state="cancelled" if expired else "pending",
        order_date=row.created_at,
        completion_date=None,
        confirm_by=row.expires_at,
    )


def _add_view(line: Line, sub: m.Subscription, product: m.Product, order_id: str) -> OrderView:
    return OrderView(
        id=order_id,
        line=line,
        action="add",
        offer=Offer.of(product),
        state="completed",
        order_date=sub.created_at,
        completion_date=sub.created_at,
        subscription_id=sub.id,
    )


def _delete_view(line: Line, sub: m.Subscription, product: m.Product) -> OrderView:
    return OrderView(
        id=f"{line.id}-c{sub.id}",
        line=line,
        action="delete",
        offer=Offer.of(product),
        state="completed",
        order_date=None,
        completion_date=sub.ends_at,
        subscription_id=sub.id,
    )


def _confirmed_from(s: Session, subscriber_id: int, stamp: str) -> m.Subscription | None:
    """The subscription a confirmed order led to (by SMS ``Y``, the hall or the API):
    the one whose ``ordered_at`` is the order's time."""
    placed = EPOCH + timedelta(microseconds=int(stamp))
    near = s.scalars(
        select(m.Subscription)
        .where(
            m.Subscription.subscriber_id == subscriber_id,
            m.Subscription.ordered_at >= placed - timedelta(milliseconds=1),
            m.Subscription.ordered_at <= placed + timedelta(milliseconds=1),
        )
        .order_by(m.Subscription.id)
    )
    return next((sub for sub in near if sub.ordered_at and _stamp(sub.ordered_at) == stamp), None)


def order(db: Database, who: Principal, order_id: str, now: datetime | None = None) -> OrderView:
    """One order of a line the caller may see (see the module docstring for IDs)."""
    now = _now(now)
    pending_id, done_id = _PENDING_ID.fullmatch(order_id), _DONE_ID.fullmatch(order_id)
    if pending_id is None and done_id is None:
        raise NotFound(N_("api.not_found"))
    subscriber_id = int((pending_id or done_id).group(1))  # type: ignore[union-attr]
    with db.uow() as uow:
        s = uow.session
        line = _checked(who, s.get(m.Subscriber, subscriber_id))
        if pending_id is not None:
            row = s.get(m.PendingConfirmation, subscriber_id)
            if row is not None and _stamp(row.created_at) == pending_id.group(2):
                return _pending_view(line, row, now)
            sub = _confirmed_from(s, subscriber_id, pending_id.group(2))
            if sub is None:  # declined, expired or replaced
                raise NotFound(N_("api.not_found"))
            return _add_view(line, sub, s.get_one(m.Product, sub.product_code), order_id)
        assert done_id is not None
        sub = s.get(m.Subscription, int(done_id.group(3)))
        if sub is None or sub.subscriber_id != subscriber_id:
            raise NotFound(N_("api.not_found"))
        product = s.get_one(m.Product, sub.product_code)
        if done_id.group(2) == "s":
            return _add_view(line, sub, product, order_id)
        if sub.state != "cancelled":
            raise NotFound(N_("api.not_found"))
        return _delete_view(line, sub, product)


def current_pending(db: Database, who: Principal, line: Line) -> OrderView | None:
    """The line's pending order (the one ``Y`` by SMS would confirm), if any."""
    with db.uow() as uow:
        s = uow.session
        _checked(who, s.get(m.Subscriber, line.id))
        row = s.get(m.PendingConfirmation, line.id)
        return _pending_view(line, row, _now(None)) if row is not None else None


def orders_of(
    db: Database, who: Principal, line: Line | None, offset: int, limit: int
) -> Page[OrderView]:
    """The orders of the line, or of every line the caller may see (``line`` None): the
    pending ones first, then those of the newest subscription first."""
    now = _now(None)
    with db.uow() as uow:
        s = uow.session
        scope: list[Any]
        if line is not None:
            _checked(who, s.get(m.Subscriber, line.id))
            scope = [m.Subscriber.id == line.id]
        else:
            scope = [visible_lines(who), m.Subscriber.status != "closed"]
        pending = [
            _pending_view(_line(owner), row, now)
            for row, owner in s.execute(
                select(m.PendingConfirmation, m.Subscriber)
                .join(m.Subscriber, m.Subscriber.id == m.PendingConfirmation.subscriber_id)
                .where(*scope)
                .order_by(m.Subscriber.id)
            )
            if not rules.confirmation_expired(row.created_at, now)
        ]
        subs = (
            select(m.Subscription, m.Product, m.Subscriber)
            .join(m.Product, m.Product.code == m.Subscription.product_code)
            .join(m.Subscriber, m.Subscriber.id == m.Subscription.subscriber_id)
            .where(*scope)
        )
        count = select(func.count()).select_from(m.Subscription).join(m.Subscriber)
        total = len(pending) + (s.scalar(count.where(*scope)) or 0)
        total += s.scalar(count.where(*scope, m.Subscription.state == "cancelled")) or 0
        views = pending[offset : offset + limit]
        skip = max(0, offset - len(pending))
        rows = s.execute(subs.order_by(m.Subscription.id.desc()).execution_options(yield_per=500))
        for sub, product, owner in rows:
            if len(views) >= limit:
                break
            of = _line(owner)
            these = [_delete_view(of, sub, product)] if sub.state == "cancelled" else []
            these.append(_add_view(of, sub, product, f"{of.id}-s{sub.id}"))
            views.extend(these[skip:][: limit - len(views)])
            skip = max(0, skip - len(these))
        return Page(views, total)
