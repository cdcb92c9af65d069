"""Cancelling packages: one by code, or by number from the paid ``0000`` menu (``QX<n>``)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from telcare.domain import subscriptions as rules
from telcare.domain.catalog import Product, ProductKind
from telcare.domain.errors import InvalidInput, NotEligible, NothingPending, NotSubscribed
from telcare.domain.messages import N_
from telcare.services import lookups
from telcare.services.orders.confirmation import _now, _open_subscription_id
from telcare.services.orders.hooks import _MENU_SOURCES
from telcare.services.orders.offers import Cancelled, Offer
from telcare.store import models as m
from telcare.store.uow import Database


def cancel(db: Database, msisdn: str, code: str, *, now: datetime | None = None) -> Cancelled:
    """Cancel a package at the end of this month (it is paid for until then)."""
    now = _now(now)
    with db.uow() as uow:
        sub = lookups.subscriber(uow.session, msisdn)
        product = lookups.product(uow.session, code)
        row = _open_subscription(uow.session, sub.id, product.code, now)
        if row is None:
            raise NotSubscribed(N_("order.not_subscribed"), code=product.code)
        done = _cancel_row(row, product, now)
        uow.commit()
        return done


def paid_menu(db: Database, msisdn: str, *, now: datetime | None = None) -> list[Offer]:
    """Every paid monthly subscription still renewing, numbered from 1 (the ``0000`` list).

    The list is remembered, so a later ``QX<n>`` cancels what the subscriber read.
    """
    now = _now(now)
    with db.uow() as uow:
        sub = lookups.subscriber(uow.session, msisdn)
        listed = _paid_listing(uow.session, sub.id, now)
        snapshot = uow.session.get(m.MenuSnapshot, sub.id)
        items = [{"kind": kind, "subscription_id": i, **asdict(o)} for kind, i, o in listed]
        if snapshot is None:
            uow.session.add(m.MenuSnapshot(subscriber_id=sub.id, items=items, created_at=now))
        else:
            snapshot.items, snapshot.created_at = items, now
        uow.commit()
        return [o for _, _, o in listed]


def cancel_from_menu(
    db: Database, msisdn: str, indexes: tuple[int, ...] | None, *, now: datetime | None = None
) -> list[Cancelled]:
    """Cancel the numbered items of the last ``0000`` list (``None``: every paid one)."""
    now = _now(now)
    with db.uow() as uow:
        sub = lookups.subscriber(uow.session, msisdn)
        if indexes is None:
            picked = [(kind, i) for kind, i, _ in _paid_listing(uow.session, sub.id, now)]
        else:
            snapshot = uow.session.get(m.MenuSnapshot, sub.id)
            if snapshot is None or rules.confirmation_expired(snapshot.created_at, now):
                raise NothingPending(N_("order.menu_missing"))
            items = snapshot.items
            bad = [i for i in indexes if not 1 <= i <= len(items)]
            if bad:
                raise InvalidInput(N_("order.menu_index"), index=bad[0], count=len(items))
            picked = [
                (items[i - 1].get("kind", "product"), items[i - 1]["subscription_id"])
                for i in dict.fromkeys(indexes)
            ]
        if not picked:
            raise NotSubscribed(N_("order.no_paid"))
        chosen = [i for kind, i in picked if kind == "product"]
        done = []
        for row in uow.session.scalars(select(m.Subscription).where(m.Subscription.id.in_(chosen))):
            if row.state == "active" and row.ends_at is None:
                done.append(_cancel_row(row, lookups.product(uow.session, row.product_code), now))
        for kind, (_, canceller) in _MENU_SOURCES.items():
            ids = [i for k, i in picked if k == kind]
            if ids:
                done.extend(canceller(uow.session, sub.id, ids, now))
        uow.commit()
        return done


# --- inside a transaction -----------------------------------------------------------


def _cancel_row(row: m.Subscription, product: Product, now: datetime) -> Cancelled:
    if product.kind is ProductKind.BASE_PLAN:
        raise NotEligible(N_("order.base_plan_cancel"), code=product.code)
    row.state = "cancelled"
    row.ends_at = rules.month_end(now)
    return Cancelled(Offer.of(product), row.ends_at)


def _open_subscription(
    s: Session, subscriber_id: int, code: str, now: datetime
) -> m.Subscription | None:
    """That subscription itself (cancelling changes it)."""
    found = _open_subscription_id(s, subscriber_id, code, now)
    return None if found is None else s.get(m.Subscription, found)


def _paid_listing(s: Session, subscriber_id: int, now: datetime) -> list[tuple[str, int, Offer]]:
    """Products first, then each registered source's items: ``(kind, id, offer)``."""
    listed = [("product", row.id, Offer.of(p)) for row, p in _paid_open(s, subscriber_id, now)]
    for kind, (lister, _) in _MENU_SOURCES.items():
        listed.extend((kind, i, offer) for i, offer in lister(s, subscriber_id, now))
    return listed


def _paid_open(
    s: Session, subscriber_id: int, now: datetime
) -> list[tuple[m.Subscription, m.Product]]:
    rows = s.execute(
        select(m.Subscription, m.Product)
        .join(m.Product, m.Product.code == m.Subscription.product_code)
        .where(
            m.Subscription.subscriber_id == subscriber_id,
            m.Subscription.state == "active",
            m.Product.charged.is_(True),
            m.Product.price_fen > 0,
            m.Product.kind != ProductKind.BASE_PLAN.value,
        )
        .order_by(m.Subscription.id)
    ).all()
    return [(sub, p) for sub, p in rows if rules.in_force(sub.starts_at, sub.ends_at, now)]
