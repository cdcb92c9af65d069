"""Queries and small actions for the online business hall (web), beside the shared services.

The hall calls :mod:`selfcare`, :mod:`orders`, :mod:`cards` and :mod:`auth` for
every rule; this module adds what only a web page needs: the catalog a subscriber
may order from, the ledger history with filters and paging, the recent outbound
SMS of a line (the simulator page), and form-level idempotency keys for the
order steps, whose services take none (a double-submitted order, confirm, decline
or cancel replays the first outcome).
Usage and the data-usage reminder switch are :mod:`telcare.services.charging`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select

from telcare.domain import catalog
from telcare.domain.errors import (
    DomainError,
    IdempotencyConflict,
    InvalidInput,
    NothingPending,
    NotSubscribed,
)
from telcare.domain.inputs import check_day
from telcare.domain.ledger import EntryKind
from telcare.domain.messages import N_
from telcare.domain.msisdn import normalise_msisdn
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services import lookups, orders, selfcare
from telcare.services.idempotency import check_key, fingerprint, run_once
from telcare.store import models as m
from telcare.store.uow import Database

MAX_PAGE = 100


# --- catalog ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CatalogItem:
    """One product a subscriber may order (base plans are changed in a shop)."""

    code: str
    name_zh: str
    name_en: str
    kind: str
    price_fen: int
    period: str
    validity_days: int | None
    data_kb: int
    voice_min: int
    sms: int
    description_zh: str
    description_en: str
    needs_confirmation: bool
    subscribed: bool

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh

    def description(self, lang: str) -> str:
        return self.description_en if lang == "en" else self.description_zh


def eligible_offers(db: Database, msisdn: str) -> list[CatalogItem]:
    """Active add-ons and promotions the subscriber's brand and province may take."""
    in_force = {p.code for p in selfcare.packages(db, msisdn) if not p.cancelled}
    with db.uow() as uow:
        sub = lookups.subscriber(uow.session, msisdn)
        rows = uow.session.scalars(
            select(m.Product).where(m.Product.active.is_(True)).order_by(m.Product.code)
        ).all()
        products = catalog.eligible_products(
            (lookups.to_domain(r) for r in rows), catalog.Brand(sub.brand), sub.province_code
        )
    return [
        CatalogItem(
            code=p.code,
            name_zh=p.name_zh,
            name_en=p.name_en,
            kind=p.kind.value,
            price_fen=p.price_fen,
            period=p.period.value,
            validity_days=p.validity_days,
            data_kb=p.allowance.data_kb,
            voice_min=p.allowance.voice_min,
            sms=p.allowance.sms,
            description_zh=p.description_zh,
            description_en=p.description_en,
            needs_confirmation=p.needs_confirmation,
            subscribed=p.code in in_force,
        )
        for p in sorted(products, key=lambda p: (p.price_fen, p.code))
        if p.kind is not catalog.ProductKind.BASE_PLAN
    ]


def base_plans(db: Database) -> frozenset[str]:
    """Codes of the base plans (changed in a shop, never cancelled online)."""
    with db.uow() as uow:
        return frozenset(
            uow.session.scalars(
                select(m.Product.code).where(m.Product.kind == catalog.ProductKind.BASE_PLAN.value)
            )
        )


# --- ledger history -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LedgerRow:
    entry_id: int
    created_at: datetime
    kind: str
    amount_fen: int  # signed delta
    balance_after_fen: int
    reason: str


def ledger_history(
    db: Database,
    msisdn: str,
    kind: str | None = None,
    since: date | None = None,
    until: date | None = None,
    offset: int = 0,
    limit: int = 20,
) -> tuple[list[LedgerRow], int]:
    """One page of the subscriber's ledger, newest first, and the number of matching rows.

    ``since`` and ``until`` are operator-local days, both included.
    """
    if kind is not None and kind not in {k.value for k in EntryKind}:
        raise InvalidInput(N_("hall.bad_kind"), value=kind)
    since, until = since and check_day(since), until and check_day(until)
    if since and until and since > until:
        raise InvalidInput(N_("hall.bad_range"))
    offset, limit = max(offset, 0), min(max(limit, 1), MAX_PAGE)
    with db.uow() as uow:
        sub = lookups.subscriber(uow.session, msisdn)
        where = [m.LedgerEntry.account_id == sub.account.id]
        if kind:
            where.append(m.LedgerEntry.kind == kind)
        if since:
            where.append(m.LedgerEntry.created_at >= _day_start(since))
        if until:
            where.append(m.LedgerEntry.created_at < _day_start(until + timedelta(days=1)))
        total = uow.session.scalar(select(func.count()).select_from(m.LedgerEntry).where(*where))
        rows = uow.session.scalars(
            select(m.LedgerEntry)
            .where(*where)
            .order_by(m.LedgerEntry.created_at.desc(), m.LedgerEntry.id.desc())
            .offset(offset)
            .limit(limit)
        ).all()
        return [
            LedgerRow(r.id, r.created_at, r.kind, r.amount_fen, r.balance_after_fen, r.reason)
            for r in rows
        ], int(total or 0)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=OPERATOR_TZ).astimezone(UTC)


# --- outbound SMS (the simulator page) ------------------------------------------------


@dataclass(frozen=True, slots=True)
class SentSms:
    created_at: datetime
    sender: str
    recipient: str
    text: str


def recent_sms(db: Database, msisdn: str, limit: int = 10) -> list[SentSms]:
    """The latest notifications queued for ``msisdn`` (login codes, reminders), newest first."""
    number = normalise_msisdn(msisdn)
    with db.uow() as uow:
        rows = uow.session.scalars(
            select(m.OutboundSms)
            .where(m.OutboundSms.recipient == number)
            .order_by(m.OutboundSms.id.desc())
            .limit(min(max(limit, 1), MAX_PAGE))
        ).all()
        return [SentSms(r.created_at, r.sender, r.recipient, r.text) for r in rows]


# --- order steps with a form key ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrderStep:
    """What one order step did, as the page shows it (also when replayed).

    ``action`` is ``pending`` (waiting for confirmation), ``subscribed``,
    ``scheduled`` (a base-plan change from ``effective_at``),
    ``declined`` or ``cancelled``; ``effective_at`` is when a pending order
    expires, a one-off package ends or a cancellation takes effect.
    """

    action: str
    code: str
    name_zh: str
    name_en: str
    price_fen: int
    period: str
    validity_days: int | None
    balance_fen: int | None = None
    effective_at: datetime | None = None
    replaced: str | None = None  # code of an earlier pending order this one replaced
    replayed: bool = False

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


def _step(action: str, o: orders.Offer, **more: Any) -> OrderStep:
    return OrderStep(
        action, o.code, o.name_zh, o.name_en, o.price_fen, o.period, o.validity_days, **more
    )


def request_order(db: Database, msisdn: str, code: str, *, idempotency_key: str) -> OrderStep:
    """Start an order (:func:`orders.request_subscription` on the ``web`` channel)."""

    def call() -> OrderStep:
        out = orders.request_subscription(db, msisdn, code, channel="web")
        if isinstance(out, orders.Subscribed):
            return _step(
                "subscribed", out.offer, balance_fen=out.balance_fen, effective_at=out.ends_at
            )
        replaced = out.replaced.code if out.replaced else None
        return _step("pending", out.offer, effective_at=out.expires_at, replaced=replaced)

    return _once(db, "web.order.request", idempotency_key, msisdn, call, None)


def confirm_order(db: Database, msisdn: str, *, idempotency_key: str) -> OrderStep:
    """Confirm the pending order (:func:`orders.confirm`): charge and subscribe once."""

    def call() -> OrderStep:
        done = orders.confirm(db, msisdn)
        if done.starts_at is not None:  # a base-plan change, from the 1st of next month
            return _step(
                "scheduled", done.offer, balance_fen=done.balance_fen, effective_at=done.starts_at
            )
        return _step(
            "subscribed", done.offer, balance_fen=done.balance_fen, effective_at=done.ends_at
        )

    return _once(db, "web.order.confirm", idempotency_key, msisdn, call, NothingPending)


def decline_order(db: Database, msisdn: str, *, idempotency_key: str) -> OrderStep:
    """Drop the pending order (:func:`orders.decline`); nothing is charged."""
    return _once(
        db,
        "web.order.decline",
        idempotency_key,
        msisdn,
        lambda: _step("declined", orders.decline(db, msisdn)),
        NothingPending,
    )


def cancel_package(db: Database, msisdn: str, code: str, *, idempotency_key: str) -> OrderStep:
    """Cancel a package at month end (:func:`orders.cancel`)."""

    def call() -> OrderStep:
        done = orders.cancel(db, msisdn, code)
        return _step("cancelled", done.offer, effective_at=done.effective_at)

    return _once(db, "web.order.cancel", idempotency_key, msisdn, call, NotSubscribed)


def cancel_plan_change(db: Database, msisdn: str, *, idempotency_key: str) -> OrderStep:
    """Drop the base-plan change waiting for the 1st (:func:`orders.cancel_change`)."""

    def call() -> OrderStep:
        done = orders.cancel_change(db, msisdn)
        return _step("cancelled", done.offer, effective_at=done.effective_at)

    return _once(db, "web.order.cancel_change", idempotency_key, msisdn, call, NothingPending)


def _once(
    db: Database,
    operation: str,
    key: str,
    msisdn: str,
    call: Callable[[], OrderStep],
    repeat_error: type[DomainError] | None,
) -> OrderStep:
    """Run ``call`` once per form ``key``: a repeated form replays the first outcome.

    The order services make each effect happen once by themselves (a pending
    order or a subscription is consumed); the key lets a double submit show the
    first outcome instead of a second order or a "nothing pending" error, also
    when the two requests race (``repeat_error`` is what the loser gets).
    """
    check_key(key)
    payload = {"msisdn": normalise_msisdn(msisdn)}
    earlier = _recorded(db, operation, key, payload)
    if earlier is not None:
        return earlier
    try:
        step = call()
    except DomainError as err:
        if repeat_error is None or not isinstance(err, repeat_error):
            raise
        earlier = _recorded(db, operation, key, payload)
        if earlier is None:
            raise
        return earlier
    result = {f: getattr(step, f) for f in OrderStep.__slots__ if f != "replayed"}
    result["effective_at"] = step.effective_at.isoformat() if step.effective_at else None
    run_once(db, operation, key, payload, lambda _uow: result)
    return step


def _recorded(db: Database, operation: str, key: str, payload: dict[str, Any]) -> OrderStep | None:
    with db.uow() as uow:
        row = uow.session.get(m.IdempotencyRecord, key)
        if row is None or not row.result:
            return None
        if row.fingerprint != fingerprint(operation, payload):
            raise IdempotencyConflict(N_("idempotency.conflict"))
        r = dict(row.result)
    when = r.pop("effective_at")
    return OrderStep(
        **r, effective_at=datetime.fromisoformat(when) if when else None, replayed=True
    )
