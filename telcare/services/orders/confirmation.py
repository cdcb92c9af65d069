"""Requesting an order (quote and hold) and answering it: confirm (``Y``) or decline (``N``)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.orm import Session

from telcare import clock
from telcare.domain import subscriptions as rules
from telcare.domain.catalog import Brand, FirstMonth, Product, ProductKind, check_eligible
from telcare.domain.errors import (
    AlreadySubscribed,
    ConfirmationExpired,
    NothingPending,
    OfferChanged,
)
from telcare.domain.launch import Kind as LaunchKind
from telcare.domain.ledger import EntryKind
from telcare.domain.messages import N_
from telcare.domain.msisdn import normalise_msisdn
from telcare.domain.renewals import first_month_fee
from telcare.services import lookups
from telcare.services.accounts import debit
from telcare.services.orders import plan_change
from telcare.services.orders.hooks import _CONFIRMERS, Confirmation, _subscribed
from telcare.services.orders.offers import Offer, Pending, Subscribed
from telcare.services.quality.launch import require_on_sale
from telcare.services.tmf_hub import resources as tmf_events
from telcare.store import models as m
from telcare.store.uow import Database


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
        if product.kind is ProductKind.BASE_PLAN:  # a plan change: always confirmed
            plan_change.check_change(s, sub, product, now)
            offer = Offer.of(product)
            replaced = hold_for_confirmation(s, sub.id, plan_change.ACTION, offer, channel, now)
            uow.commit()
            expires = now + rules.CONFIRMATION_TTL
            return Pending(
                offer, expires, replaced, starts_at=rules.month_end(now), first_fee_fen=0
            )
        _check_can_subscribe(s, sub, product, now)
        if not product.needs_confirmation:
            done = _subscribe(s, sub.id, product, now)
            tmf_events.order_changed(
                s, sub.id, f"{sub.id}-s{done.subscription_id}", "completed",
                asdict(done.offer), now, created=True,
            )  # fmt: skip
            uow.commit()
            _subscribed(db, sub.msisdn, done, now)
            return done
        offer = Offer.of(product)
        replaced = hold_for_confirmation(s, sub.id, "subscribe", offer, channel, now)
        uow.commit()
        first = first_month_fee(product.price_fen, product.first_month, now)
        return Pending(offer, now + rules.CONFIRMATION_TTL, replaced, first_fee_fen=first)


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
        _order_event(s, subscriber_id, previous, "cancelled", now)
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
    oid = tmf_events.order_id(subscriber_id, now)
    tmf_events.order_changed(s, subscriber_id, oid, "pending", asdict(offer), now, created=True)
    return replaced


def _order_event(s: Session, subscriber_id: int, row: Any, state: str, now: datetime) -> None:
    """The TMF event of a pending order that was answered (or replaced, or expired)."""
    oid = tmf_events.order_id(subscriber_id, row.created_at)
    tmf_events.order_changed(s, subscriber_id, oid, state, row.payload["offer"], now, created=False)


def _take_pending(s: Session, subscriber_id: int) -> Any:
    """Delete the subscriber's pending row and return it (``None`` if there was none).

    The delete locks the row, so of two concurrent confirmations only one gets it."""
    return s.execute(_TAKE_PENDING, {"subscriber_id": subscriber_id}).first()


def pending(db: Database, msisdn: str, now: datetime | None = None) -> Pending | None:
    """The subscriber's unexpired pending order, if any."""
    now = _now(now)
    with db.uow() as uow:
        sub = lookups.subscriber(uow.session, msisdn)
        row = uow.session.get(m.PendingConfirmation, sub.id)
        if row is None or rules.confirmation_expired(row.created_at, now):
            return None
        offer = Offer(**row.payload["offer"])
        if row.action == plan_change.ACTION:
            return Pending(offer, row.expires_at, None, rules.month_end(now), 0)
        first = first_month_fee(offer.price_fen, FirstMonth(offer.first_month), now)
        return Pending(offer, row.expires_at, None, first_fee_fen=first)


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
            raise NothingPending(N_("order.nothing_pending"))
        code = row.payload["offer"]["code"]
        if rules.confirmation_expired(row.created_at, now):
            _order_event(s, row.subscriber_id, row, "cancelled", now)
            uow.commit()
            raise ConfirmationExpired(N_("order.expired"), code=code)
        if row.action not in ("subscribe", plan_change.ACTION):
            subscriber = s.get_one(m.Subscriber, row.subscriber_id)
            result = _CONFIRMERS[row.action](s, subscriber, row.payload, now)
            _order_event(s, row.subscriber_id, row, "completed", now)
            uow.commit()
            return result
        sub, product = lookups.holder_and_product(s, number, code)
        if Offer.of(product) != Offer(**row.payload["offer"]):
            _order_event(s, row.subscriber_id, row, "cancelled", now)
            uow.commit()  # the pending order is gone: what was confirmed is no longer sold
            raise OfferChanged(N_("order.offer_changed"), code=code)
        if row.action == plan_change.ACTION:
            scheduled = plan_change.schedule_change(s, sub, product, now, ordered_at=row.created_at)
            _order_event(s, row.subscriber_id, row, "completed", now)
            uow.commit()
            return scheduled
        _check_can_subscribe(s, sub, product, now)
        done = _subscribe(s, sub.id, product, now, ordered_at=row.created_at)
        _order_event(s, row.subscriber_id, row, "completed", now)
        uow.commit()
    _subscribed(db, sub.msisdn, done, now)
    return done


def decline(db: Database, msisdn: str) -> Offer:
    """Drop the pending order (the subscriber answered ``N``)."""
    with db.uow() as uow:
        sub = lookups.subscriber(uow.session, msisdn)
        row = uow.session.get(m.PendingConfirmation, sub.id)
        if row is None:
            raise NothingPending(N_("order.nothing_pending"))
        offer = Offer(**row.payload["offer"])
        _order_event(uow.session, sub.id, row, "cancelled", clock.now())
        uow.session.delete(row)
        uow.commit()
        return offer


# --- inside a transaction -----------------------------------------------------------


def _check_can_subscribe(s: Session, sub: lookups.Holder, product: Product, now: datetime) -> None:
    check_eligible(product, Brand(sub.brand), sub.province_code)
    require_on_sale(s, LaunchKind.PRODUCT, product.code, sub.msisdn)
    if _open_subscription_id(s, sub.id, product.code, now) is not None:
        raise AlreadySubscribed(N_("order.already"), code=product.code)


def _subscribe(
    s: Session,
    subscriber_id: int,
    product: Product,
    now: datetime,
    *,
    ordered_at: datetime | None = None,
) -> Subscribed:
    """Charge (if priced: the first month's terms) and open the subscription;
    ``ordered_at`` is when its order was placed (the pending order's time), ``now``
    when it takes effect."""
    fee = first_month_fee(product.price_fen, product.first_month, now) if product.charged else 0
    if fee > 0:
        balance = debit(
            s,
            subscriber_id,
            EntryKind.CHARGE,
            -fee,
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
    return Subscribed(Offer.of(product), subscription_id, balance, ends_at, charged_fen=fee)


def _open_subscription_id(s: Session, subscriber_id: int, code: str, now: datetime) -> int | None:
    """The id of the subscriber's subscription to ``code`` that is in force and still
    renewing (one prebuilt query: ordering checks it on every ``KT`` and ``Y``)."""
    periods = s.execute(_ACTIVE_PERIODS, {"subscriber_id": subscriber_id, "code": code})
    return next((i for i, starts, ends in periods if rules.in_force(starts, ends, now)), None)
