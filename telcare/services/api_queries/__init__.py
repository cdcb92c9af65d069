"""Read models for the REST API: paged lists and single resources, each access-checked.

Every resource is reached through the line (subscriber) it belongs to, and every
lookup runs :func:`telcare.domain.access.require_subscriber_access` on that line, so
a guessed ID of someone else's resource is refused before anything is read.

Resource IDs are stable: a line is its subscriber id, a product (inventory item)
its subscription id, a top-up its ledger entry id. A product order is identified
through the line too:

* ``<line>-<created µs>``: a charged order that waits for confirmation (the
  pending confirmation shared with SMS ``Y``/``N``); once confirmed, by either
  channel, it resolves to the subscription it created (also listed as below);
* ``<line>-s<subscription>``: an order that took effect at once (free products);
* ``<line>-c<subscription>``: a cancellation (``delete`` item).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import func, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from telcare import clock
from telcare.domain import catalog
from telcare.domain import subscriptions as rules
from telcare.domain.access import Kind, Principal, require_subscriber_access
from telcare.domain.errors import Forbidden, IdempotencyConflict, InvalidInput, NotFound
from telcare.domain.ledger import EntryKind
from telcare.domain.messages import register
from telcare.domain.provinces import HQ
from telcare.services import lookups
from telcare.services.idempotency import check_key, fingerprint
from telcare.services.orders import Offer
from telcare.store import models as m
from telcare.store.uow import Database

T = TypeVar("T")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

TOPUP_ROLES = frozenset({"admin", "agent"})  # cash top-ups at the counter
ADJUST_ROLES = frozenset({"admin"})  # balance corrections

register(
    {
        "api.not_found": ("找不到该资源。", "No such resource."),
        "api.msisdn_required": ("请指定手机号码。", "Name the line with msisdn."),
        "api.role": ("您的岗位无权办理此业务。", "Your role may not do this."),
        "api.confirm_own": (
            "只有机主本人可以确认订购。",
            "Only the subscriber can confirm an order.",
        ),
        "api.order_state": (
            "订单当前状态为{state}，不能改为{wanted}。",
            "The order is {state}; it cannot become {wanted}.",
        ),
        "api.topup_needs_card": (
            "请使用充值卡充值。",
            "Top up with a recharge card (voucher and PIN).",
        ),
        "api.bad_order": ("订单内容不完整：{what}。", "The order is incomplete: {what}."),
    }
)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    total: int


@dataclass(frozen=True, slots=True)
class Line:
    """One subscriber line, as the API shows it."""

    id: int
    msisdn: str
    customer_id: int
    brand: str
    province: str
    status: str
    language: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CustomerView:
    id: int
    name: str
    province: str
    created_at: datetime
    lines: tuple[Line, ...]  # only the lines the caller may see


@dataclass(frozen=True, slots=True)
class InventoryItem:
    id: int
    line: Line
    product: catalog.Product
    state: str
    starts_at: datetime
    ends_at: datetime | None


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


@dataclass(frozen=True, slots=True)
class TopupView:
    id: int
    line: Line
    amount_fen: int
    balance_after_fen: int
    reason: str
    reference: str | None
    created_at: datetime


def _now(now: datetime | None) -> datetime:
    return now or clock.now()


def _line(row: m.Subscriber) -> Line:
    return Line(
        row.id,
        row.msisdn,
        row.customer_id,
        row.brand,
        row.province_code,
        row.status,
        row.language,
        row.created_at,
    )


def _checked(who: Principal, row: m.Subscriber | None) -> Line:
    if row is None or row.status == "closed":
        raise NotFound("api.not_found")
    require_subscriber_access(who, row.msisdn, row.province_code)
    return _line(row)


def require_role(who: Principal, roles: frozenset[str]) -> None:
    """Staff of one of ``roles``; everyone else is refused."""
    if who.kind is not Kind.STAFF or who.role not in roles:
        raise Forbidden("api.role")


# --- catalog (TMF620) -----------------------------------------------------------------


def offerings(db: Database, offset: int, limit: int) -> Page[catalog.Product]:
    """Active products, by code."""
    with db.uow() as uow:
        s = uow.session
        where = m.Product.active.is_(True)
        total = s.scalar(select(func.count()).select_from(m.Product).where(where)) or 0
        rows = s.scalars(
            select(m.Product).where(where).order_by(m.Product.code).offset(offset).limit(limit)
        ).all()
        return Page([lookups.to_domain(r) for r in rows], total)


def offering(db: Database, code: str) -> catalog.Product:
    with db.uow() as uow:
        return lookups.product(uow.session, code)


# --- lines and customers (TMF629, TMF654 buckets) ----------------------------------------


def line_by_id(db: Database, who: Principal, subscriber_id: int) -> Line:
    with db.uow() as uow:
        return _checked(who, uow.session.get(m.Subscriber, subscriber_id))


def line_by_msisdn(db: Database, who: Principal, msisdn: str) -> Line:
    with db.uow() as uow:
        return _checked(who, lookups.subscriber(uow.session, msisdn))


def line_for(db: Database, who: Principal, msisdn: str | None) -> Line:
    """The line named by ``msisdn``; a subscriber may leave it out (their own)."""
    if msisdn is None:
        if who.kind is not Kind.SUBSCRIBER:
            raise InvalidInput("api.msisdn_required")
        msisdn = who.subject
    return line_by_msisdn(db, who, msisdn)


def _visible_lines(who: Principal) -> Any:
    if who.kind is Kind.SUBSCRIBER:
        return m.Subscriber.msisdn == who.subject
    if who.kind is Kind.STAFF:
        return true() if who.province == HQ else m.Subscriber.province_code == who.province
    raise Forbidden("access.denied")


def lines(db: Database, who: Principal, offset: int, limit: int) -> Page[Line]:
    """Every open line the caller may see, by id."""
    where = (_visible_lines(who), m.Subscriber.status != "closed")
    with db.uow() as uow:
        s = uow.session
        total = s.scalar(select(func.count()).select_from(m.Subscriber).where(*where)) or 0
        rows = s.scalars(
            select(m.Subscriber).where(*where).order_by(m.Subscriber.id).offset(offset).limit(limit)
        ).all()
        return Page([_line(r) for r in rows], total)


def _customer_view(s: Session, who: Principal, row: m.Customer) -> CustomerView | None:
    subs = s.scalars(
        select(m.Subscriber)
        .where(m.Subscriber.customer_id == row.id, m.Subscriber.status != "closed")
        .order_by(m.Subscriber.id)
    ).all()
    visible = []
    for sub in subs:
        try:
            visible.append(_checked(who, sub))
        except Forbidden:
            continue
    staff_sees = who.kind is Kind.STAFF and who.province in (HQ, row.province_code)
    if not visible and not staff_sees:
        return None
    return CustomerView(row.id, row.name, row.province_code, row.created_at, tuple(visible))


def customer(db: Database, who: Principal, customer_id: int) -> CustomerView:
    """A customer whose province (staff) or one of whose lines (anyone) the caller may see."""
    with db.uow() as uow:
        row = uow.session.get(m.Customer, customer_id)
        if row is None:
            raise NotFound("api.not_found")
        view = _customer_view(uow.session, who, row)
        if view is None:
            raise Forbidden("access.denied")
        return view


def customers(db: Database, who: Principal, offset: int, limit: int) -> Page[CustomerView]:
    if who.kind is Kind.SUBSCRIBER:
        where: Any = m.Customer.id.in_(
            select(m.Subscriber.customer_id).where(m.Subscriber.msisdn == who.subject)
        )
    elif who.kind is Kind.STAFF:
        where = true() if who.province == HQ else m.Customer.province_code == who.province
    else:
        raise Forbidden("access.denied")
    with db.uow() as uow:
        s = uow.session
        total = s.scalar(select(func.count()).select_from(m.Customer).where(where)) or 0
        rows = s.scalars(
            select(m.Customer).where(where).order_by(m.Customer.id).offset(offset).limit(limit)
        ).all()
        views = [_customer_view(s, who, r) for r in rows]
        return Page([v for v in views if v is not None], total)


# --- product inventory (TMF637) --------------------------------------------------------


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


# --- product orders (TMF622) -----------------------------------------------------------

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
        raise NotFound("api.not_found")
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
                raise NotFound("api.not_found")
            return _add_view(line, sub, s.get_one(m.Product, sub.product_code), order_id)
        assert done_id is not None
        sub = s.get(m.Subscription, int(done_id.group(3)))
        if sub is None or sub.subscriber_id != subscriber_id:
            raise NotFound("api.not_found")
        product = s.get_one(m.Product, sub.product_code)
        if done_id.group(2) == "s":
            return _add_view(line, sub, product, order_id)
        if sub.state != "cancelled":
            raise NotFound("api.not_found")
        return _delete_view(line, sub, product)


def current_pending(db: Database, who: Principal, line: Line) -> OrderView | None:
    """The line's pending order (the one ``Y`` by SMS would confirm), if any."""
    with db.uow() as uow:
        s = uow.session
        _checked(who, s.get(m.Subscriber, line.id))
        row = s.get(m.PendingConfirmation, line.id)
        return _pending_view(line, row, _now(None)) if row is not None else None


def orders_of(db: Database, who: Principal, line: Line, offset: int, limit: int) -> Page[OrderView]:
    """The line's orders: the pending one first, then the newest subscription first."""
    now = _now(None)
    with db.uow() as uow:
        s = uow.session
        _checked(who, s.get(m.Subscriber, line.id))
        views: list[OrderView] = []
        row = s.get(m.PendingConfirmation, line.id)
        if row is not None and not rules.confirmation_expired(row.created_at, now):
            views.append(_pending_view(line, row, now))
        for sub, product in s.execute(
            select(m.Subscription, m.Product)
            .join(m.Product, m.Product.code == m.Subscription.product_code)
            .where(m.Subscription.subscriber_id == line.id)
            .order_by(m.Subscription.id.desc())
        ):
            if sub.state == "cancelled":
                views.append(_delete_view(line, sub, product))
            views.append(_add_view(line, sub, product, f"{line.id}-s{sub.id}"))
        return Page(views[offset : offset + limit], len(views))


def once(
    db: Database,
    operation: str,
    key: str,
    payload: Mapping[str, Any],
    action: Callable[[], dict[str, Any]],
) -> tuple[dict[str, Any], bool]:
    """Run ``action`` (its own transaction) unless ``key`` already ran; ``(result, replayed)``.

    For API actions whose service takes no idempotency key and whose repetition is
    harmless (an order is never charged without confirmation): the first result is
    remembered under ``key`` so a retried request gets the same answer.
    """
    check_key(key)
    fp = fingerprint(operation, payload)
    with db.uow() as uow:
        record = uow.session.get(m.IdempotencyRecord, key)
        if record is not None:
            return _replay(record, operation, fp), True
    result = action()
    try:
        with db.uow() as uow:
            uow.session.add(
                m.IdempotencyRecord(
                    key=key,
                    operation=operation,
                    fingerprint=fp,
                    result=result,
                    created_at=clock.now(),
                )
            )
            uow.commit()
    except IntegrityError:
        with db.uow() as uow:
            return _replay(uow.session.get_one(m.IdempotencyRecord, key), operation, fp), True
    return result, False


def _replay(record: m.IdempotencyRecord, operation: str, fp: str) -> dict[str, Any]:
    if record.operation != operation or record.fingerprint != fp:
        raise IdempotencyConflict("idempotency.conflict")
    return dict(record.result)


# --- top-ups (TMF654) ------------------------------------------------------------------


def _topup_view(line: Line, entry: m.LedgerEntry) -> TopupView:
    return TopupView(
        entry.id,
        line,
        entry.amount_fen,
        entry.balance_after_fen,
        entry.reason,
        entry.reference,
        entry.created_at,
    )


def topup(
    db: Database, who: Principal, entry_id: int, *, kind: EntryKind = EntryKind.RECHARGE
) -> TopupView:
    """One ledger entry of ``kind`` (a recharge, or an adjustment) of a visible line."""
    with db.uow() as uow:
        s = uow.session
        entry = s.get(m.LedgerEntry, entry_id)
        if entry is None or entry.kind != kind.value:
            raise NotFound("api.not_found")
        account = s.get_one(m.Account, entry.account_id)
        line = _checked(who, s.get(m.Subscriber, account.subscriber_id))
        return _topup_view(line, entry)


def topups(db: Database, who: Principal, line: Line, offset: int, limit: int) -> Page[TopupView]:
    """The line's recharges, newest first."""
    with db.uow() as uow:
        s = uow.session
        _checked(who, s.get(m.Subscriber, line.id))
        account_id = select(m.Account.id).where(m.Account.subscriber_id == line.id)
        where = (
            m.LedgerEntry.account_id.in_(account_id),
            m.LedgerEntry.kind == EntryKind.RECHARGE.value,
        )
        total = s.scalar(select(func.count()).select_from(m.LedgerEntry).where(*where)) or 0
        rows = s.scalars(
            select(m.LedgerEntry)
            .where(*where)
            .order_by(m.LedgerEntry.id.desc())
            .offset(offset)
            .limit(limit)
        ).all()
        return Page([_topup_view(line, e) for e in rows], total)
