"""Changing the base plan: ``KT`` of another base plan takes effect on the 1st of next month.

China Mobile's 套餐变更次月生效: the order is confirmed like any other (``Y``, the
hall's button, the API), then the current plan gets ``ends_at`` = the 1st of next
month and the new plan a subscription starting then. That future subscription is
the *pending change*: one at a time, shown by ``CXTC``, the hall and the API, and
cancellable until it starts (it is then marked cancelled, ending as it starts, and
the old plan runs on). Nothing is charged now:
the renewals of the 1st post the new plan's first month (a base plan starting on
the 1st renews then, :func:`telcare.domain.renewals.renews`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from telcare import clock
from telcare.domain import subscriptions as rules
from telcare.domain.catalog import Brand, Product, ProductKind, check_eligible
from telcare.domain.errors import AlreadySubscribed, Conflict, NothingPending
from telcare.domain.launch import Kind as LaunchKind
from telcare.domain.messages import N_
from telcare.services import lookups
from telcare.services.orders.offers import Offer, Subscribed
from telcare.services.quality.launch import require_on_sale
from telcare.store import models as m
from telcare.store.uow import Database

ACTION = "plan_change"


@dataclass(frozen=True, slots=True)
class PlanChange:
    """A base-plan change waiting for the 1st: from ``current`` to ``offer``."""

    offer: Offer
    current: Offer | None
    effective_at: datetime
    subscription_id: int


def pending_change(db: Database, msisdn: str, *, now: datetime | None = None) -> PlanChange | None:
    """The line's scheduled plan change, if any."""
    now = now or clock.now()
    with db.read() as uow:
        sub = lookups.subscriber(uow.session, msisdn)
        return _pending(uow.session, sub.id, now)


def cancel_change(db: Database, msisdn: str, *, now: datetime | None = None) -> PlanChange:
    """Drop the scheduled plan change: the current plan runs on as before."""
    now = now or clock.now()
    with db.uow() as uow:
        s = uow.session
        sub = lookups.subscriber(s, msisdn)
        change = _pending(s, sub.id, now)
        if change is None:
            raise NothingPending(N_("order.no_plan_change"))
        dropped = s.get_one(m.Subscription, change.subscription_id)
        dropped.state, dropped.ends_at = "cancelled", dropped.starts_at  # never in force
        current = _current_row(s, sub.id, now)
        if current is not None and current.ends_at == change.effective_at:
            current.ends_at = None
        uow.commit()
        return change


# --- inside a transaction -----------------------------------------------------------


def check_change(s: Session, sub: lookups.Holder, product: Product, now: datetime) -> None:
    """Refuse a change the line may not make: not eligible, not on sale (launch gate),
    the plan it has, one pending."""
    check_eligible(product, Brand(sub.brand), sub.province_code)
    require_on_sale(s, LaunchKind.PRODUCT, product.code, sub.msisdn)
    current = _current_row(s, sub.id, now)
    if current is not None and current.product_code == product.code:
        raise AlreadySubscribed(N_("order.already"), code=product.code)
    if _pending(s, sub.id, now) is not None:
        raise Conflict(N_("order.plan_change_pending"), code=product.code)


def schedule_change(
    s: Session,
    sub: lookups.Holder,
    product: Product,
    now: datetime,
    *,
    ordered_at: datetime | None = None,
) -> Subscribed:
    """End the current plan at the 1st of next month and start ``product`` then;
    ``ordered_at`` is when the order was placed (the pending order's time)."""
    check_change(s, sub, product, now)
    starts = rules.month_end(now)
    current = _current_row(s, sub.id, now)
    if current is not None:
        current.ends_at = starts
    row = m.Subscription(
        subscriber_id=sub.id,
        product_code=product.code,
        state="active",
        starts_at=starts,
        ends_at=None,
        created_at=now,
        ordered_at=ordered_at or now,
    )
    s.add(row)
    s.flush()
    return Subscribed(Offer.of(product), row.id, lookups.balance(s, sub.id), None, starts)


def _base_plans(s: Session, subscriber_id: int) -> list[tuple[m.Subscription, m.Product]]:
    rows = s.execute(
        select(m.Subscription, m.Product)
        .join(m.Product, m.Product.code == m.Subscription.product_code)
        .where(
            m.Subscription.subscriber_id == subscriber_id,
            m.Subscription.state == "active",
            m.Product.kind == ProductKind.BASE_PLAN.value,
        )
        .order_by(m.Subscription.starts_at, m.Subscription.id)
    ).all()
    return [(sub, p) for sub, p in rows]


def _current_row(s: Session, subscriber_id: int, now: datetime) -> m.Subscription | None:
    for row, _ in _base_plans(s, subscriber_id):
        if rules.in_force(row.starts_at, row.ends_at, now):
            return row
    return None


def _pending(s: Session, subscriber_id: int, now: datetime) -> PlanChange | None:
    plans = _base_plans(s, subscriber_id)
    future = [(row, p) for row, p in plans if row.starts_at > now]
    if not future:
        return None
    row, product = future[0]
    current = next((p for r, p in plans if rules.in_force(r.starts_at, r.ends_at, now)), None)
    return PlanChange(
        Offer.of(product), Offer.of(current) if current else None, row.starts_at, row.id
    )
