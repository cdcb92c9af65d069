"""Subscribing and cancelling packages, with double confirmation for anything charged.

Every channel goes through :func:`request_subscription` then :func:`confirm`:
SMS answers ``Y``, the business hall shows a confirm button, the API confirms
the order. Nothing is charged before the confirmation.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.orm import Session

from telcare import clock
from telcare.domain import subscriptions as rules
from telcare.domain.catalog import Brand, Product, ProductKind, check_eligible
from telcare.domain.errors import (
    AlreadySubscribed,
    ConfirmationExpired,
    InvalidInput,
    NotEligible,
    NothingPending,
    NotSubscribed,
    OfferChanged,
)
from telcare.domain.ledger import EntryKind
from telcare.domain.msisdn import normalise_msisdn
from telcare.services import lookups
from telcare.services.accounts import debit
from telcare.store import models as m
from telcare.store.uow import Database


@dataclass(frozen=True, slots=True)
class Offer:
    code: str
    name_zh: str
    name_en: str
    price_fen: int
    period: str = "monthly"
    validity_days: int | None = None

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh

    @classmethod
    def of(cls, p: Product | m.Product) -> Offer:
        period = p.period.value if isinstance(p, Product) else p.period
        return cls(p.code, p.name_zh, p.name_en, p.price_fen, period, p.validity_days)


@dataclass(frozen=True, slots=True)
class Pending:
    """A charged order waiting for the subscriber's confirmation."""

    offer: Offer
    expires_at: datetime
    replaced: Offer | None  # the earlier pending order this one replaced


@dataclass(frozen=True, slots=True)
class Subscribed:
    offer: Offer
    subscription_id: int
    balance_fen: int
    ends_at: datetime | None


@dataclass(frozen=True, slots=True)
class Cancelled:
    offer: Offer
    effective_at: datetime


SubscribedHook = Callable[[Database, str, Subscribed, datetime], None]
on_subscribed: list[SubscribedHook] = []
"""Called as ``hook(db, msisdn, subscribed, now)`` after a package subscription has
been committed (free ones at once, charged ones on confirmation). Other capabilities
register here (e.g. surveys: a new G3 subscription) so orders imports none of them;
a failing hook is logged and never undoes the order."""

_log = logging.getLogger(__name__)


def _subscribed(db: Database, msisdn: str, done: Subscribed, now: datetime) -> None:
    for hook in list(on_subscribed):
        try:
            hook(db, msisdn, done, now)
        except Exception:
            _log.exception("on_subscribed hook %r failed for %s", hook, done.offer.code)


def _now(now: datetime | None) -> datetime:
    return now or clock.now()


def request_subscription(
    db: Database, msisdn: str, code: str, *, channel: str, now: datetime | None = None
) -> Pending | Subscribed:
    """Start an order: charged products wait for confirmation, free ones take effect."""
    now = _now(now)
    with db.uow() as uow:
        s = uow.session
        sub, product = lookups.holder_and_product(s, msisdn, code)
        _check_can_subscribe(s, sub, product, now)
        if not product.needs_confirmation:
            done = _subscribe(s, sub.id, product, now)
            uow.commit()
            _subscribed(db, sub.msisdn, done, now)
            return done
        offer = Offer.of(product)
        replaced = hold_for_confirmation(s, sub.id, "subscribe", offer, channel, now)
        uow.commit()
        return Pending(offer, now + rules.CONFIRMATION_TTL, replaced)


# The hot path's statements, built once with bound parameters (see lookups).
_PENDING = m.PendingConfirmation.__table__
_SUBSCRIPTION = m.Subscription.__table__
_TAKE_PENDING = (
    delete(_PENDING)
    .where(_PENDING.c.subscriber_id == bindparam("subscriber_id"))
    .returning(_PENDING.c.action, _PENDING.c.payload, _PENDING.c.created_at)
)
_TAKE_PENDING_OF_NUMBER = (
    delete(_PENDING)
    .where(_PENDING.c.subscriber_id == lookups.OPEN_LINE_ID)
    .returning(
        _PENDING.c.subscriber_id, _PENDING.c.action, _PENDING.c.payload, _PENDING.c.created_at
    )
)
_HOLD_PENDING = insert(_PENDING)
_ACTIVE_PERIODS = select(
    _SUBSCRIPTION.c.id, _SUBSCRIPTION.c.starts_at, _SUBSCRIPTION.c.ends_at
).where(
    _SUBSCRIPTION.c.subscriber_id == bindparam("subscriber_id"),
    _SUBSCRIPTION.c.product_code == bindparam("code"),
    _SUBSCRIPTION.c.state == "active",
)
_NEW_SUBSCRIPTION = insert(_SUBSCRIPTION).returning(_SUBSCRIPTION.c.id)


def hold_for_confirmation(
    s: Session,
    subscriber_id: int,
    action: str,
    offer: Offer,
    channel: str,
    now: datetime,
    extra: dict[str, Any] | None = None,
) -> Offer | None:
    """Make ``offer`` the subscriber's one pending confirmation; the unexpired one it
    replaces, if any. ``action`` names the :func:`register_confirmer` that carries it out."""
    previous = _take_pending(s, subscriber_id)
    replaced = None
    if previous is not None and not rules.confirmation_expired(previous.created_at, now):
        replaced = Offer(**previous.payload["offer"])
    s.execute(
        _HOLD_PENDING,
        {
            "subscriber_id": subscriber_id,
            "action": action,
            "payload": {"offer": asdict(offer), **(extra or {})},
            "channel": channel,
            "created_at": now,
            "expires_at": now + rules.CONFIRMATION_TTL,
        },
    )
    return replaced


def _take_pending(s: Session, subscriber_id: int) -> Any:
    """Delete the subscriber's pending row and return it (``None`` if there was none).

    The delete locks the row, so of two concurrent confirmations only one gets it."""
    return s.execute(_TAKE_PENDING, {"subscriber_id": subscriber_id}).first()


class Confirmation(Protocol):
    """What another capability's confirmer returns: the reply it wants shown."""

    message_key: str
    message_params: dict[str, Any]


Confirmer = Callable[[Session, m.Subscriber, dict[str, Any], datetime], Confirmation]
_CONFIRMERS: dict[str, Confirmer] = {}


def register_confirmer(action: str, confirmer: Confirmer) -> None:
    """Let ``Y`` carry out pending ``action`` (gift redemption, SP service, ...)."""
    _CONFIRMERS[action] = confirmer


PaidLister = Callable[[Session, int, datetime], list[tuple[int, Offer]]]
MenuCanceller = Callable[[Session, int, list[int], datetime], list[Cancelled]]
_MENU_SOURCES: dict[str, tuple[PaidLister, MenuCanceller]] = {}


def register_menu_source(kind: str, lister: PaidLister, canceller: MenuCanceller) -> None:
    """Add another capability's paid subscriptions (SP services, ...) to ``0000`` / ``QX<n>``.

    ``lister(session, subscriber_id, now)`` gives ``(id, offer)`` pairs; ``canceller``
    cancels some of those ids for the subscriber and says what it cancelled.
    """
    _MENU_SOURCES[kind] = (lister, canceller)


def pending(db: Database, msisdn: str, now: datetime | None = None) -> Pending | None:
    """The subscriber's unexpired pending order, if any."""
    now = _now(now)
    with db.uow() as uow:
        sub = lookups.subscriber(uow.session, msisdn)
        row = uow.session.get(m.PendingConfirmation, sub.id)
        if row is None or rules.confirmation_expired(row.created_at, now):
            return None
        return Pending(Offer(**row.payload["offer"]), row.expires_at, None)


def confirm(db: Database, msisdn: str, *, now: datetime | None = None) -> Subscribed | Confirmation:
    """Carry out the pending order: charge and subscribe, exactly once.

    The pending row is the idempotency guard: it is deleted (and so locked) and acted
    on in one transaction, so a repeated or concurrent confirmation finds nothing pending.
    The subscriber consented to the quoted offer: if the product's price or terms
    changed since, nothing is charged and the order must be placed again.
    """
    now = _now(now)
    number = normalise_msisdn(msisdn)
    with db.uow() as uow:
        s = uow.session
        row = s.execute(_TAKE_PENDING_OF_NUMBER, {"msisdn": number}).first()
        if row is None:
            lookups.holder(s, number)  # an unknown number is told so
            raise NothingPending("order.nothing_pending")
        code = row.payload["offer"]["code"]
        if rules.confirmation_expired(row.created_at, now):
            uow.commit()
            raise ConfirmationExpired("order.expired", code=code)
        if row.action != "subscribe":
            subscriber = s.get_one(m.Subscriber, row.subscriber_id)
            result = _CONFIRMERS[row.action](s, subscriber, row.payload, now)
            uow.commit()
            return result
        sub, product = lookups.holder_and_product(s, number, code)
        if Offer.of(product) != Offer(**row.payload["offer"]):
            uow.commit()  # the pending order is gone: what was confirmed is no longer sold
            raise OfferChanged("order.offer_changed", code=code)
        _check_can_subscribe(s, sub, product, now)
        done = _subscribe(s, sub.id, product, now, ordered_at=row.created_at)
        uow.commit()
    _subscribed(db, sub.msisdn, done, now)
    return done


def decline(db: Database, msisdn: str) -> Offer:
    """Drop the pending order (the subscriber answered ``N``)."""
    with db.uow() as uow:
        sub = lookups.subscriber(uow.session, msisdn)
        row = uow.session.get(m.PendingConfirmation, sub.id)
        if row is None:
            raise NothingPending("order.nothing_pending")
        offer = Offer(**row.payload["offer"])
        uow.session.delete(row)
        uow.commit()
        return offer


def cancel(db: Database, msisdn: str, code: str, *, now: datetime | None = None) -> Cancelled:
    """Cancel a package at the end of this month (it is paid for until then)."""
    now = _now(now)
    with db.uow() as uow:
        sub = lookups.subscriber(uow.session, msisdn)
        product = lookups.product(uow.session, code)
        row = _open_subscription(uow.session, sub.id, product.code, now)
        if row is None:
            raise NotSubscribed("order.not_subscribed", code=product.code)
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
                raise NothingPending("order.menu_missing")
            items = snapshot.items
            bad = [i for i in indexes if not 1 <= i <= len(items)]
            if bad:
                raise InvalidInput("order.menu_index", index=bad[0], count=len(items))
            picked = [
                (items[i - 1].get("kind", "product"), items[i - 1]["subscription_id"])
                for i in dict.fromkeys(indexes)
            ]
        if not picked:
            raise NotSubscribed("order.no_paid")
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


def _check_can_subscribe(s: Session, sub: lookups.Holder, product: Product, now: datetime) -> None:
    check_eligible(product, Brand(sub.brand), sub.province_code)
    if _open_subscription_id(s, sub.id, product.code, now) is not None:
        raise AlreadySubscribed("order.already", code=product.code)
    if product.kind is ProductKind.BASE_PLAN:
        raise NotEligible("order.base_plan_change", code=product.code)


def _subscribe(
    s: Session,
    subscriber_id: int,
    product: Product,
    now: datetime,
    *,
    ordered_at: datetime | None = None,
) -> Subscribed:
    """Charge (if priced) and open the subscription; ``ordered_at`` is when its order
    was placed (the pending order's time), ``now`` when it takes effect."""
    if product.charged and product.price_fen > 0:
        balance = debit(
            s,
            subscriber_id,
            EntryKind.CHARGE,
            -product.price_fen,
            reason=f"订购 {product.code} {product.name_zh}",
            reference=product.code,
        )
    else:
        balance = lookups.balance(s, subscriber_id)
    ends_at = rules.ends_at(product, now)
    subscription_id = s.scalar(
        _NEW_SUBSCRIPTION,
        {
            "subscriber_id": subscriber_id,
            "product_code": product.code,
            "state": "active",
            "starts_at": now,
            "ends_at": ends_at,
            "created_at": now,
            "ordered_at": ordered_at or now,
        },
    )
    assert subscription_id is not None
    return Subscribed(Offer.of(product), subscription_id, balance, ends_at)


def _cancel_row(row: m.Subscription, product: Product, now: datetime) -> Cancelled:
    if product.kind is ProductKind.BASE_PLAN:
        raise NotEligible("order.base_plan_cancel", code=product.code)
    row.state = "cancelled"
    row.ends_at = rules.month_end(now)
    return Cancelled(Offer.of(product), row.ends_at)


def _open_subscription_id(s: Session, subscriber_id: int, code: str, now: datetime) -> int | None:
    """The id of the subscriber's subscription to ``code`` that is in force and still
    renewing (one prebuilt query: ordering checks it on every ``KT`` and ``Y``)."""
    periods = s.execute(_ACTIVE_PERIODS, {"subscriber_id": subscriber_id, "code": code})
    return next((i for i, starts, ends in periods if rules.in_force(starts, ends, now)), None)


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
