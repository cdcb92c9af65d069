"""Loyalty use cases: earning and expiring points, the points mall, delivery orders,
partner-merchant codes and the merchant settlement report.

Every points movement goes through :func:`post_points` (one entry on the points
ledger, with the account's cached ``points`` moved under its row lock), so a
subscriber's points always equal the sum of their ledger. Rules live in
:mod:`telcare.domain.loyalty`; this module loads the data they need, locks and
writes.

Redemption is a double confirmation like any order: :func:`request_redemption`
holds a pending ``redeem`` (:func:`telcare.services.orders.hold_for_confirmation`)
and ``Y`` by SMS, the hall's confirm button or the API carry it out through the
confirmer registered here. Stock is taken with a conditional ``UPDATE ... WHERE
quantity >= 1`` (nearest warehouse first), so concurrent redemptions never
oversell; a cancelled or returned order gives its points back once, under the
order's row lock.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import segno
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import CursorResult, and_, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from telcare import clock
from telcare.config import get_settings
from telcare.domain import loyalty as rules
from telcare.domain import months
from telcare.domain.access import Kind, Principal
from telcare.domain.catalog import Brand
from telcare.domain.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    Locked,
    NotEligible,
    NotFound,
    NothingPending,
    WrongSecret,
)
from telcare.domain.ledger import PointsKind
from telcare.domain.messages import register, render
from telcare.domain.money import fen_to_yuan
from telcare.domain.msisdn import normalise_msisdn
from telcare.domain.provinces import BY_CODE
from telcare.domain.subscriptions import CONFIRMATION_TTL, OPERATOR_TZ, confirmation_expired
from telcare.services import lookups, orders
from telcare.services.hashing import hash_secret, verify_secret
from telcare.services.notify import queue_sms
from telcare.store import loyalty_models as lm
from telcare.store import models as m
from telcare.store.uow import Database

ACTION = "redeem"
BATCH_ACCOUNTS = 500
MERCHANT_TOKEN_TTL = timedelta(hours=12)

TEXTS: dict[str, tuple[str, str]] = {
    "loyalty.redeemed_delivery": (
        "兑换成功：{name}，扣除{points}积分，剩余{left}积分。订单号{order}，将从{warehouse}仓库发货，"
        "可在网上营业厅查看物流进度。",
        "Redeemed {name} for {points} points ({left} left). Order {order} ships from the "
        "{warehouse} warehouse; follow it in the online hall.",
    ),
    "loyalty.redeemed_code": (
        "兑换成功：{name}，扣除{points}积分，剩余{left}积分。兑换码{code}，{until}前到{merchant}"
        "出示使用，仅限一次。",
        "Redeemed {name} for {points} points ({left} left). Show code {code} at {merchant} "
        "before {until}; it works once.",
    ),
    "loyalty.order_sms": (
        "您的积分兑换订单{order}（{name}）{state}。",
        "Your points order {order} ({name}): {state}.",
    ),
    "loyalty.state.placed": ("已下单", "placed"),
    "loyalty.state.picked": ("已出库", "picked at the warehouse"),
    "loyalty.state.shipped": ("已发货", "shipped"),
    "loyalty.state.delivered": ("已签收", "delivered"),
    "loyalty.state.returned": ("已退货，积分已退还", "returned; points given back"),
    "loyalty.state.cancelled": ("已取消，积分已退还", "cancelled; points given back"),
    "loyalty.verified": (
        "验证成功：{service}，{points}积分。",
        "Valid: {service}, {points} points.",
    ),
    "loyalty.zero_points": ("积分变动不能为0。", "A points change cannot be zero."),
    "loyalty.expiry_early": (
        "{year}年的积分到{day}才到期。",
        "Points earned in {year} expire on {day}, not before.",
    ),
    "loyalty.bad_quantity": ("库存数量{value}无效。", "Stock quantity {value} is not valid."),
    "loyalty.order_bad_state": ("未知订单状态{value}。", "Unknown order state {value}."),
    "loyalty.merchant_unknown": ("没有商户{code}。", "There is no merchant {code}."),
    "loyalty.code_space": ("暂时无法生成兑换码，请稍后再试。", "No code available; try again."),
    "loyalty.checks_locked": (
        "一小时内错误兑换码已达{limit}次，验证已暂停，请于{when}后再试。",
        "{limit} wrong codes within an hour: checks are paused until {when}.",
    ),
    "loyalty.code_refunded": (
        "您的兑换码{code}（{name}）已过期未使用，{points}积分已退还。",
        "Your code {code} ({name}) expired unused; {points} points are back.",
    ),
    "loyalty.hq_only": (
        "只有总部人员可以管理礼品目录和规则。",
        "Only HQ staff manage the catalog and rules.",
    ),
    "loyalty.bad_field": ("{field}无效：{value}", "{field} is not valid: {value}"),
    "loyalty.service_needed": (
        "电子券和商户服务需要选择商户服务。",
        "An e-voucher or partner service needs a merchant service.",
    ),
    "loyalty.rule_unknown": ("没有积分规则{id}。", "There is no accrual rule {id}."),
}
register(TEXTS)


class OutOfStock(Conflict):
    code = "out-of-stock"


class CodeRefused(Conflict):
    code = "code-refused"


def _now(now: datetime | None) -> datetime:
    return now or clock.now()


def _local_day(when: datetime) -> date:
    return when.astimezone(OPERATOR_TZ).date()


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=OPERATOR_TZ).astimezone(UTC)


# --- the points ledger --------------------------------------------------------------------


def post_points(
    s: Session,
    account: m.Account,
    kind: PointsKind,
    delta: int,
    *,
    reason: str,
    now: datetime,
) -> m.PointsEntry:
    """Append one points entry and move the (locked) account's points with it.

    A debit beyond the account's points is refused (nothing written).
    """
    if delta == 0:
        raise InvalidInput("loyalty.zero_points")
    if account.points + delta < 0:
        raise NotEligible("loyalty.points_short", code="-", need=-delta, have=account.points)
    account.points += delta
    entry = m.PointsEntry(
        account_id=account.id,
        kind=kind.value,
        points=delta,
        points_after=account.points,
        reason=reason[:200],
        created_at=now,
    )
    s.add(entry)
    s.flush()
    return entry


def points_sum(s: Session, account_id: int) -> int:
    total = s.scalar(
        select(func.coalesce(func.sum(m.PointsEntry.points), 0)).where(
            m.PointsEntry.account_id == account_id
        )
    )
    return int(total or 0)


@dataclass(frozen=True, slots=True)
class PointsRow:
    created_at: datetime
    kind: str
    points: int
    points_after: int
    reason: str


def points_history(db: Database, msisdn: str, limit: int = 20) -> list[PointsRow]:
    """The subscriber's latest points entries, newest first."""
    with db.uow() as uow:
        sub = lookups.subscriber(uow.session, msisdn)
        rows = uow.session.scalars(
            select(m.PointsEntry)
            .where(m.PointsEntry.account_id == sub.account.id)
            .order_by(m.PointsEntry.id.desc())
            .limit(min(max(limit, 1), 100))
        )
        return [PointsRow(r.created_at, r.kind, r.points, r.points_after, r.reason) for r in rows]


def _points_account(s: Session, account_id: int) -> lm.PointsAccount:
    row = s.get(lm.PointsAccount, account_id)
    if row is None:
        row = lm.PointsAccount(account_id=account_id, accrued_milli=0, expired_through_year=None)
        s.add(row)
        s.flush()
    return row


# --- accrual ------------------------------------------------------------------------------


@dataclass
class AccrualSummary:
    entries: int = 0
    accounts: int = 0
    points: int = 0


@dataclass(frozen=True, slots=True)
class _Data:
    accrual: list[rules.AccrualRule]
    campaigns: list[rules.Campaign]
    tiers: list[rules.Tier]


def _load_rules(s: Session) -> _Data:
    return _Data(
        [
            rules.AccrualRule(
                rules.Source(r.source),
                Decimal(r.points_per_yuan),
                r.brand,
                r.tier,
                r.valid_from,
                r.valid_to,
            )
            for r in s.scalars(select(lm.AccrualRule))
        ],
        [
            rules.Campaign(
                c.code,
                c.name_zh,
                c.name_en,
                c.starts_on,
                c.ends_on,
                Decimal(c.multiplier),
                Decimal(c.bonus_per_yuan),
                rules.Source(c.source),
                frozenset(c.brands) if c.brands is not None else None,
            )
            for c in s.scalars(select(lm.LoyaltyCampaign))
        ],
        [
            rules.Tier(t.code, t.name_zh, t.name_en, t.min_monthly_spend_fen)
            for t in s.scalars(select(lm.LoyaltyTier))
        ],
    )


_EARNING = ("charge", "refund", "recharge")


def _pending_entries(
    s: Session, until: datetime, account_ids: list[int] | None
) -> list[m.LedgerEntry]:
    q = (
        select(m.LedgerEntry)
        .outerjoin(lm.PointsAccrual, lm.PointsAccrual.ledger_entry_id == m.LedgerEntry.id)
        .where(
            lm.PointsAccrual.ledger_entry_id.is_(None),
            m.LedgerEntry.kind.in_(_EARNING),
            m.LedgerEntry.created_at < until,
        )
        .order_by(m.LedgerEntry.account_id, m.LedgerEntry.id)
    )
    if account_ids is not None:
        q = q.where(m.LedgerEntry.account_id.in_(account_ids))
    return list(s.scalars(q))


def _month_spend(s: Session, account_id: int, day: date) -> int:
    """What the account spent (charges less refunds) in the calendar month before ``day``."""
    start, end = rules.previous_month(day)
    total = s.scalar(
        select(func.coalesce(func.sum(m.LedgerEntry.amount_fen), 0)).where(
            m.LedgerEntry.account_id == account_id,
            m.LedgerEntry.kind.in_(tuple(rules.SPEND_KINDS)),
            m.LedgerEntry.created_at >= _day_start(start),
            m.LedgerEntry.created_at < _day_start(end),
        )
    )
    return -int(total or 0)


def accrue(
    db: Database,
    *,
    msisdn: str | None = None,
    until: datetime | None = None,
    now: datetime | None = None,
) -> AccrualSummary:
    """Earn points for every charge, refund and recharge not yet counted (before ``until``).

    Idempotent per ledger entry: each earns once (a mark row with the entry's id as
    key, written with the points under the account's lock), so running it after
    every usage ingest or recharge, or twice, or concurrently, is safe. One
    transaction per batch of accounts.
    """
    now = _now(now)
    until = until or now
    summary = AccrualSummary()
    with db.uow() as uow:
        s = uow.session
        only = None
        if msisdn is not None:
            only = [lookups.subscriber(s, msisdn).account.id]
        account_ids = sorted({e.account_id for e in _pending_entries(s, until, only)})
    for i in range(0, len(account_ids), BATCH_ACCOUNTS):
        batch = account_ids[i : i + BATCH_ACCOUNTS]
        for attempt in (1, 2):
            try:
                with db.uow() as uow:
                    _accrue_batch(uow.session, batch, until, now, summary)
                    uow.commit()
                break
            except IntegrityError:  # a concurrent run marked some entries first
                if attempt == 2:
                    raise
    return summary


def _accrue_batch(
    s: Session, account_ids: list[int], until: datetime, now: datetime, summary: AccrualSummary
) -> None:
    data = _load_rules(s)
    accounts = {
        a.id: a
        for a in s.scalars(
            select(m.Account)
            .where(m.Account.id.in_(account_ids))
            .order_by(m.Account.id)
            .with_for_update()
        )
    }
    brands = dict(
        (r[0], r[1])
        for r in s.execute(
            select(m.Account.id, m.Subscriber.brand)
            .join(m.Subscriber, m.Subscriber.id == m.Account.subscriber_id)
            .where(m.Account.id.in_(account_ids))
        )
    )
    by_account: dict[int, list[m.LedgerEntry]] = defaultdict(list)
    for entry in _pending_entries(s, until, account_ids):
        by_account[entry.account_id].append(entry)
    for account_id, entries in sorted(by_account.items()):
        account = accounts[account_id]
        tiers: dict[str, str | None] = {}
        milli_total = 0
        for e in entries:
            day = _local_day(e.created_at)
            month = rules.month_key(day)
            if month not in tiers:
                tiers[month] = rules.tier_for(_month_spend(s, account_id, day), data.tiers)
            source = rules.source_of(e.kind)
            assert source is not None
            r = rules.rate(
                data.accrual, data.campaigns, source, brands[account_id], tiers[month], day
            )
            milli = rules.milli_points(rules.spend_of(e.kind, e.amount_fen), r)
            s.add(
                lm.PointsAccrual(
                    ledger_entry_id=e.id, account_id=account_id, milli_points=milli, created_at=now
                )
            )
            milli_total += milli
        s.flush()
        pa = _points_account(s, account_id)
        before, pa.accrued_milli = pa.accrued_milli, pa.accrued_milli + milli_total
        step = rules.points_step(before, pa.accrued_milli)
        if step < 0:  # refunds take back earned points, but never below zero
            step = max(step, -account.points)
        if step:
            kind = PointsKind.ACCRUAL if step > 0 else PointsKind.ADJUSTMENT
            post_points(s, account, kind, step, reason=f"积分累积 {len(entries)}笔", now=now)
            summary.points += step
        summary.entries += len(entries)
        summary.accounts += 1


# --- expiry -------------------------------------------------------------------------------


@dataclass
class ExpirySummary:
    year: int
    accounts: int = 0
    points: int = 0


def expire(db: Database, earned_year: int, *, now: datetime | None = None) -> ExpirySummary:
    """Expire the points earned in ``earned_year`` still unused when ``earned_year + 2``
    began (operator time). Once per account and year; refused before that day."""
    now = _now(now)
    cutoff = rules.expiry_day(earned_year)
    if _local_day(now) < cutoff:
        raise InvalidInput("loyalty.expiry_early", year=earned_year, day=cutoff.isoformat())
    summary = ExpirySummary(earned_year)
    with db.uow() as uow:
        ids = list(
            uow.session.scalars(
                select(m.Account.id)
                .outerjoin(lm.PointsAccount, lm.PointsAccount.account_id == m.Account.id)
                .where(
                    m.Account.points > 0,
                    (lm.PointsAccount.expired_through_year.is_(None))
                    | (lm.PointsAccount.expired_through_year < earned_year),
                )
                .order_by(m.Account.id)
            )
        )
    for i in range(0, len(ids), BATCH_ACCOUNTS):
        with db.uow() as uow:
            s = uow.session
            for account in s.scalars(
                select(m.Account)
                .where(m.Account.id.in_(ids[i : i + BATCH_ACCOUNTS]))
                .order_by(m.Account.id)
                .with_for_update()
            ):
                pa = _points_account(s, account.id)
                if pa.expired_through_year is not None and pa.expired_through_year >= earned_year:
                    continue
                moves = [
                    rules.PointsMove(p, _local_day(at), k)
                    for p, at, k in s.execute(
                        select(m.PointsEntry.points, m.PointsEntry.created_at, m.PointsEntry.kind)
                        .where(m.PointsEntry.account_id == account.id)
                        .order_by(m.PointsEntry.id)
                    )
                ]
                gone = rules.points_to_expire(moves, earned_year, account.points)
                if gone:
                    post_points(
                        s,
                        account,
                        PointsKind.EXPIRY,
                        -gone,
                        reason=f"{earned_year}年积分到期",
                        now=now,
                    )
                    summary.points += gone
                    summary.accounts += 1
                pa.expired_through_year = earned_year
            uow.commit()
    return summary


# --- the mall -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GiftView:
    code: str
    name_zh: str
    name_en: str
    points: int
    kind: str
    description_zh: str
    description_en: str
    stock: int | None  # physical gifts: units in all warehouses
    merchant: str | None
    affordable: bool = True
    active: bool = True
    stock_by_province: dict[str, int] = field(default_factory=dict)

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh

    def description(self, lang: str) -> str:
        return self.description_en if lang == "en" else self.description_zh

    @property
    def in_stock(self) -> bool:
        return self.stock is None or self.stock > 0


def _offer_of(gift: m.Gift, detail: lm.GiftDetail | None) -> rules.GiftOffer:
    if detail is None:
        kind = rules.GiftKind.PHYSICAL if gift.physical else rules.GiftKind.EVOUCHER
        return rules.GiftOffer(gift.code, gift.name_zh, gift.name_en, gift.points, kind)
    return rules.GiftOffer(
        gift.code,
        gift.name_zh,
        gift.name_en,
        gift.points,
        rules.GiftKind(detail.kind),
        frozenset(detail.brands) if detail.brands is not None else None,
        frozenset(detail.provinces) if detail.provinces is not None else None,
        detail.active,
    )


def _gift(s: Session, code: str) -> tuple[m.Gift, lm.GiftDetail | None, rules.GiftOffer]:
    gift = s.get(m.Gift, code.strip().upper()[:20])
    if gift is None:
        raise NotFound("loyalty.gift_unknown", code=code[:20])
    detail = s.get(lm.GiftDetail, gift.code)
    return gift, detail, _offer_of(gift, detail)


def _stock(s: Session, code: str) -> dict[str, int]:
    return dict(
        (r[0], r[1])
        for r in s.execute(
            select(m.GiftStock.province_code, m.GiftStock.quantity).where(
                m.GiftStock.gift_code == code
            )
        )
    )


def _views(s: Session, gifts: Iterable[m.Gift], points: int | None) -> list[GiftView]:
    gifts = list(gifts)
    codes = [g.code for g in gifts]
    details = {
        d.gift_code: d
        for d in s.scalars(select(lm.GiftDetail).where(lm.GiftDetail.gift_code.in_(codes)))
    }
    stock: dict[str, dict[str, int]] = defaultdict(dict)
    for code, province, qty in s.execute(
        select(m.GiftStock.gift_code, m.GiftStock.province_code, m.GiftStock.quantity).where(
            m.GiftStock.gift_code.in_(codes)
        )
    ):
        stock[code][province] = qty
    merchants = dict(
        (r[0], r[1])
        for r in s.execute(
            select(lm.MerchantService.id, lm.Merchant.name_zh).join(
                lm.Merchant, lm.Merchant.code == lm.MerchantService.merchant_code
            )
        )
    )
    out = []
    for g in gifts:
        d = details.get(g.code)
        offer = _offer_of(g, d)
        out.append(
            GiftView(
                g.code,
                g.name_zh,
                g.name_en,
                g.points,
                offer.kind.value,
                d.description_zh if d else "",
                d.description_en if d else "",
                sum(stock[g.code].values()) if offer.delivered else None,
                merchants.get(d.service_id) if d and d.service_id else None,
                affordable=points is None or points >= g.points,
                active=offer.active,
                stock_by_province=dict(sorted(stock[g.code].items())),
            )
        )
    return out


def mall(db: Database, msisdn: str, query: str = "") -> list[GiftView]:
    """Gifts the subscriber may redeem (brand, province, active), cheapest first;
    ``query`` keeps those whose code or name has every word of it."""
    with db.uow() as uow:
        s = uow.session
        sub = lookups.subscriber(s, msisdn)
        gifts = s.scalars(select(m.Gift).order_by(m.Gift.points, m.Gift.code)).all()
        details = {d.gift_code: d for d in s.scalars(select(lm.GiftDetail))}
        offers = [_offer_of(g, details.get(g.code)) for g in gifts]
        fitting = {
            o.code
            for o in rules.search(offers, query[:60])
            if o.active
            and (o.brands is None or sub.brand in o.brands)
            and (o.provinces is None or sub.province_code in o.provinces)
        }
        return _views(s, [g for g in gifts if g.code in fitting], sub.account.points)


def catalog(db: Database) -> list[GiftView]:
    """Every gift with its stock per warehouse (the staff console)."""
    with db.uow() as uow:
        s = uow.session
        return _views(s, s.scalars(select(m.Gift).order_by(m.Gift.code)).all(), None)


def _staff_for(who: Principal, province: str) -> None:
    if who.kind is not Kind.STAFF or not (who.is_headquarters or who.province == province):
        raise Forbidden("access.denied")


def set_stock(db: Database, who: Principal, gift_code: str, province: str, quantity: int) -> int:
    """Set a warehouse's stock of a physical gift (staff of that province or HQ)."""
    province = province.strip().upper()
    _staff_for(who, province)
    if province not in rules.CAPITALS:
        raise InvalidInput("loyalty.address_province", value=province[:10])
    if not 0 <= quantity <= 1_000_000:
        raise InvalidInput("loyalty.bad_quantity", value=quantity)
    with db.uow() as uow:
        s = uow.session
        gift, _detail, offer = _gift(s, gift_code)
        if not offer.delivered:
            raise InvalidInput("loyalty.not_physical", code=gift.code)
        row = s.get(m.GiftStock, (gift.code, province), with_for_update=True)
        if row is None:
            s.add(m.GiftStock(gift_code=gift.code, province_code=province, quantity=quantity))
        else:
            row.quantity = quantity
        uow.commit()
        return quantity


def set_gift_active(db: Database, who: Principal, gift_code: str, active: bool) -> None:
    """List or withdraw a gift from the mall (headquarters staff)."""
    if not who.is_headquarters:
        raise Forbidden("access.denied")
    with db.uow() as uow:
        gift, detail, offer = _gift(uow.session, gift_code)
        if detail is None:
            detail = lm.GiftDetail(
                gift_code=gift.code,
                kind=offer.kind.value,
                brands=None,
                provinces=None,
                service_id=None,
                description_zh="",
                description_en="",
            )
            uow.session.add(detail)
        detail.active = active
        uow.commit()


# --- addresses ----------------------------------------------------------------------------


def _address_of(row: lm.DeliveryAddress) -> rules.Address:
    return rules.Address(row.recipient, row.phone, row.province_code, row.city, row.street)


def default_address(db: Database, msisdn: str) -> rules.Address | None:
    with db.uow() as uow:
        sub = lookups.subscriber(uow.session, msisdn)
        row = uow.session.get(lm.DeliveryAddress, sub.id)
        return _address_of(row) if row else None


def save_address(
    db: Database, msisdn: str, address: rules.Address, *, now: datetime | None = None
) -> rules.Address:
    """Make ``address`` the subscriber's default delivery address."""
    clean = rules.check_address(address)
    with db.uow() as uow:
        sub = lookups.subscriber(uow.session, msisdn)
        _put_address(uow.session, sub.id, clean, _now(now))
        uow.commit()
    return clean


def _put_address(s: Session, subscriber_id: int, a: rules.Address, now: datetime) -> None:
    row = s.get(lm.DeliveryAddress, subscriber_id)
    if row is None:
        row = lm.DeliveryAddress(subscriber_id=subscriber_id)
        s.add(row)
    row.recipient, row.phone, row.province_code = a.recipient, a.phone, a.province
    row.city, row.street, row.updated_at = a.city, a.street, now


# --- redemption (double confirmation) -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class RedemptionPending:
    gift: GiftView
    address: rules.Address | None
    expires_at: datetime
    replaced: orders.Offer | None


@dataclass(slots=True)
class Redeemed:
    """What a confirmed redemption did (also the reply the SMS engine shows).

    ``offer``, ``balance_fen`` and ``ends_at`` let generic order code show it too.
    """

    message_key: str
    message_params: dict[str, Any]
    offer: orders.Offer
    gift_code: str
    points: int
    points_left: int
    balance_fen: int
    order_id: int | None = None
    warehouse: str | None = None
    code: str | None = None
    code_expires_at: datetime | None = None
    ends_at: datetime | None = None


def _gift_offer(gift: m.Gift) -> orders.Offer:
    return orders.Offer(gift.code, gift.name_zh, gift.name_en, 0, "once", None)


def request_redemption(
    db: Database,
    msisdn: str,
    gift_code: str,
    *,
    channel: str,
    address: rules.Address | None = None,
    save: bool = False,
    now: datetime | None = None,
) -> RedemptionPending:
    """Hold a redemption for the subscriber's confirmation (nothing is spent yet).

    A physical gift goes to ``address`` or, without one, the default address; it
    must be in stock somewhere. ``save`` makes ``address`` the default.
    """
    now = _now(now)
    clean = rules.check_address(address) if address is not None else None
    with db.uow() as uow:
        s = uow.session
        sub = lookups.subscriber(s, msisdn)
        gift, _detail, offer = _gift(s, gift_code)
        rules.check_can_redeem(offer, sub.brand, sub.province_code, sub.account.points)
        if offer.delivered:
            if clean is None:
                row = s.get(lm.DeliveryAddress, sub.id)
                if row is None:
                    raise InvalidInput("loyalty.address_needed")
                clean = _address_of(row)
            elif save:
                _put_address(s, sub.id, clean, now)
            if rules.choose_warehouse(clean.province, _stock(s, gift.code)) is None:
                raise OutOfStock("loyalty.out_of_stock", code=gift.code)
        else:
            clean = None
        replaced = orders.hold_for_confirmation(
            s,
            sub.id,
            ACTION,
            _gift_offer(gift),
            channel,
            now,
            {
                "gift": gift.code,
                "points": gift.points,
                "channel": channel,
                "address": asdict(clean) if clean else None,
            },
        )
        view = _views(s, [gift], sub.account.points)[0]
        uow.commit()
    return RedemptionPending(view, clean, now + CONFIRMATION_TTL, replaced)


@dataclass(frozen=True, slots=True)
class PendingRedemption:
    gift_code: str
    name_zh: str
    name_en: str
    points: int
    address: rules.Address | None
    expires_at: datetime

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


def pending_redemption(
    db: Database, msisdn: str, now: datetime | None = None
) -> PendingRedemption | None:
    """The subscriber's unexpired pending redemption, if the pending item is one."""
    now = _now(now)
    with db.uow() as uow:
        sub = lookups.subscriber(uow.session, msisdn)
        row = uow.session.get(m.PendingConfirmation, sub.id)
        if row is None or row.action != ACTION or confirmation_expired(row.created_at, now):
            return None
        p = row.payload
        addr = rules.Address(**p["address"]) if p.get("address") else None
        offer = p["offer"]
        return PendingRedemption(
            p["gift"], offer["name_zh"], offer["name_en"], p["points"], addr, row.expires_at
        )


def confirm_redemption(db: Database, msisdn: str, *, now: datetime | None = None) -> Redeemed:
    """Carry out the pending redemption (the hall's confirm button and the API)."""
    pending = pending_redemption(db, msisdn, now)
    if pending is None:
        raise NothingPending("order.nothing_pending")
    done = orders.confirm(db, msisdn, now=now)
    assert isinstance(done, Redeemed)
    return done


def _confirm(s: Session, sub: m.Subscriber, payload: dict[str, Any], now: datetime) -> Redeemed:
    """The ``redeem`` confirmer: spend the points and deliver, or issue a code."""
    lang = sub.language
    gift, detail, offer = _gift(s, payload["gift"])
    account = lookups.account_for_update(s, sub.id)
    rules.check_can_redeem(offer, sub.brand, sub.province_code, account.points)
    entry = post_points(
        s,
        account,
        PointsKind.REDEMPTION,
        -gift.points,
        reason=f"兑换 {gift.code} {gift.name_zh}",
        now=now,
    )
    base = {"name": offer.name(lang), "points": gift.points, "left": account.points}
    if offer.delivered:
        address = rules.Address(**payload["address"])
        warehouse = _take_stock(s, gift.code, address.province)
        order = lm.DeliveryOrder(
            subscriber_id=sub.id,
            gift_code=gift.code,
            points=gift.points,
            state=rules.OrderState.PLACED.value,
            warehouse=warehouse,
            recipient=address.recipient,
            phone=address.phone,
            province_code=address.province,
            city=address.city,
            street=address.street,
            channel=payload.get("channel", "sms")[:10],
            points_entry_id=entry.id,
            refund_entry_id=None,
            created_at=now,
            updated_at=now,
        )
        s.add(order)
        s.flush()
        _event(s, order, rules.OrderState.PLACED, "", sub.msisdn, now)
        return Redeemed(
            "loyalty.redeemed_delivery",
            {**base, "order": order.id, "warehouse": _province_name(warehouse, lang)},
            _gift_offer(gift),
            gift.code,
            gift.points,
            account.points,
            account.balance_fen,
            order_id=order.id,
            warehouse=warehouse,
        )
    if detail is None or detail.service_id is None:
        raise NotEligible("loyalty.gift_unknown", code=gift.code)
    service = s.get(lm.MerchantService, detail.service_id)
    assert service is not None
    merchant = s.get(lm.Merchant, service.merchant_code)
    assert merchant is not None
    expires = now + timedelta(days=service.valid_days)
    row = _new_code_row(s, sub, gift, service, entry.id, now, expires)
    until = expires.astimezone(OPERATOR_TZ).strftime("%Y-%m-%d")
    merchant_name = merchant.name_en if lang == "en" else merchant.name_zh
    return Redeemed(
        "loyalty.redeemed_code",
        {**base, "code": row.code, "until": until, "merchant": merchant_name},
        _gift_offer(gift),
        gift.code,
        gift.points,
        account.points,
        account.balance_fen,
        code=row.code,
        code_expires_at=expires,
    )


orders.register_confirmer(ACTION, _confirm)


def _province_name(code: str, lang: str) -> str:
    p = BY_CODE.get(code)
    return code if p is None else (p.name_en if lang == "en" else p.name_zh)


def _take_stock(s: Session, gift_code: str, destination: str) -> str:
    """Take one unit from the nearest warehouse that has one; never below zero.

    The ``quantity >= 1`` condition is re-checked by the database on the locked
    row, so of two concurrent redemptions of the last unit exactly one succeeds
    and the other moves on to the next warehouse.
    """
    for province in rules.warehouses_by_distance(destination, _stock(s, gift_code)):
        taken: CursorResult[Any] = s.execute(  # type: ignore[assignment]
            update(m.GiftStock)
            .where(
                m.GiftStock.gift_code == gift_code,
                m.GiftStock.province_code == province,
                m.GiftStock.quantity >= 1,
            )
            .values(quantity=m.GiftStock.quantity - 1)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount == 1:
            return province
    raise OutOfStock("loyalty.out_of_stock", code=gift_code)


def _new_code_row(
    s: Session,
    sub: m.Subscriber,
    gift: m.Gift,
    service: lm.MerchantService,
    entry_id: int,
    now: datetime,
    expires: datetime,
) -> lm.RedemptionCode:
    for _ in range(20):
        code = rules.new_code()
        if s.scalar(select(lm.RedemptionCode.id).where(lm.RedemptionCode.code == code)) is None:
            break
    else:  # pragma: no cover - 10^8 codes
        raise Conflict("loyalty.code_space")
    row = lm.RedemptionCode(
        code=code,
        subscriber_id=sub.id,
        gift_code=gift.code,
        merchant_code=service.merchant_code,
        service_id=service.id,
        points=gift.points,
        points_entry_id=entry_id,
        created_at=now,
        expires_at=expires,
        used_at=None,
    )
    s.add(row)
    s.flush()
    return row


# --- delivery orders ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Event:
    state: str
    note: str
    actor: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class OrderView:
    id: int
    msisdn: str
    gift_code: str
    name_zh: str
    name_en: str
    points: int
    state: str
    warehouse: str
    address: rules.Address
    created_at: datetime
    updated_at: datetime
    refunded: bool
    timeline: list[Event]

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh

    @property
    def cross_province(self) -> bool:
        return self.warehouse != self.address.province

    @property
    def cancellable(self) -> bool:
        return rules.OrderState(self.state) in rules.SUBSCRIBER_CANCELLABLE

    @property
    def next_states(self) -> list[str]:
        return sorted(s.value for s in rules.next_states(rules.OrderState(self.state)))


def _event(
    s: Session,
    order: lm.DeliveryOrder,
    state: rules.OrderState,
    note: str,
    actor: str,
    now: datetime,
) -> None:
    s.add(
        lm.DeliveryEvent(
            order_id=order.id, state=state.value, note=note[:200], actor=actor[:40], created_at=now
        )
    )


def _order_views(s: Session, rows: list[lm.DeliveryOrder]) -> list[OrderView]:
    ids = [o.id for o in rows]
    events: dict[int, list[Event]] = defaultdict(list)
    for e in s.scalars(
        select(lm.DeliveryEvent)
        .where(lm.DeliveryEvent.order_id.in_(ids))
        .order_by(lm.DeliveryEvent.id)
    ):
        events[e.order_id].append(Event(e.state, e.note, e.actor, e.created_at))
    gifts = {
        g.code: g
        for g in s.scalars(select(m.Gift).where(m.Gift.code.in_({o.gift_code for o in rows})))
    }
    numbers = dict(
        (r[0], r[1])
        for r in s.execute(
            select(m.Subscriber.id, m.Subscriber.msisdn).where(
                m.Subscriber.id.in_({o.subscriber_id for o in rows})
            )
        )
    )
    return [
        OrderView(
            o.id,
            numbers[o.subscriber_id],
            o.gift_code,
            gifts[o.gift_code].name_zh,
            gifts[o.gift_code].name_en,
            o.points,
            o.state,
            o.warehouse,
            rules.Address(o.recipient, o.phone, o.province_code, o.city, o.street),
            o.created_at,
            o.updated_at,
            o.refund_entry_id is not None,
            events[o.id],
        )
        for o in rows
    ]


def my_orders(db: Database, msisdn: str) -> list[OrderView]:
    """The subscriber's delivery orders with their timelines, newest first."""
    with db.uow() as uow:
        s = uow.session
        sub = lookups.subscriber(s, msisdn)
        rows = s.scalars(
            select(lm.DeliveryOrder)
            .where(lm.DeliveryOrder.subscriber_id == sub.id)
            .order_by(lm.DeliveryOrder.id.desc())
            .limit(100)
        ).all()
        return _order_views(s, list(rows))


def order_for(db: Database, who: Principal, order_id: int) -> OrderView:
    """One order: its subscriber's, or staff of its warehouse or destination province, or HQ."""
    with db.uow() as uow:
        s = uow.session
        row = s.get(lm.DeliveryOrder, order_id)
        if row is None:
            raise NotFound("loyalty.order_unknown", id=order_id)
        view = _order_views(s, [row])[0]
    if not _may_see(who, view):
        raise NotFound("loyalty.order_unknown", id=order_id)
    return view


def _may_see(who: Principal, o: OrderView) -> bool:
    if who.kind is Kind.SUBSCRIBER:
        return who.subject == o.msisdn
    if who.kind is Kind.STAFF:
        return who.is_headquarters or who.province in (o.warehouse, o.address.province)
    return False


def fulfilment_queue(
    db: Database, who: Principal, province: str | None = None, *, open_only: bool = True
) -> list[OrderView]:
    """Orders to handle at a warehouse (staff: their province; HQ: any or all)."""
    if who.kind is not Kind.STAFF:
        raise Forbidden("access.denied")
    if not who.is_headquarters:
        province = who.province
    with db.uow() as uow:
        s = uow.session
        q = select(lm.DeliveryOrder).order_by(lm.DeliveryOrder.id).limit(500)
        if province:
            q = q.where(lm.DeliveryOrder.warehouse == province.upper())
        if open_only:
            q = q.where(lm.DeliveryOrder.state.in_(("placed", "picked", "shipped")))
        return _order_views(s, list(s.scalars(q)))


def cancel_order(
    db: Database, msisdn: str, order_id: int, *, now: datetime | None = None
) -> OrderView:
    """The subscriber cancels an order the warehouse has not picked yet: points back."""
    who = Principal(Kind.SUBSCRIBER, normalise_msisdn(msisdn), "")
    return _move(db, who, order_id, rules.OrderState.CANCELLED, "", _now(now))


def advance_order(
    db: Database,
    who: Principal,
    order_id: int,
    target: str,
    *,
    note: str = "",
    now: datetime | None = None,
) -> OrderView:
    """Staff move an order on (picked, shipped, delivered, returned, cancelled)."""
    if who.kind is not Kind.STAFF:
        raise Forbidden("access.denied")
    try:
        state = rules.OrderState(target)
    except ValueError as exc:
        raise InvalidInput("loyalty.order_bad_state", value=target[:20]) from exc
    return _move(db, who, order_id, state, note, _now(now))


def _move(
    db: Database, who: Principal, order_id: int, target: rules.OrderState, note: str, now: datetime
) -> OrderView:
    with db.uow() as uow:
        s = uow.session
        order = s.scalars(
            select(lm.DeliveryOrder).where(lm.DeliveryOrder.id == order_id).with_for_update()
        ).one_or_none()
        if order is None:
            raise NotFound("loyalty.order_unknown", id=order_id)
        view = _order_views(s, [order])[0]
        if not _may_see(who, view):
            raise NotFound("loyalty.order_unknown", id=order_id)
        if who.kind is Kind.STAFF and not (who.is_headquarters or who.province == order.warehouse):
            raise Forbidden("access.denied")
        state = rules.OrderState(order.state)
        if who.kind is Kind.SUBSCRIBER and target is rules.OrderState.CANCELLED:
            if state not in rules.SUBSCRIBER_CANCELLABLE:
                raise Conflict("loyalty.order_not_cancellable")
        elif who.kind is Kind.SUBSCRIBER:
            raise Forbidden("access.denied")
        refund = rules.transition(state, target, refunded=order.refund_entry_id is not None)
        sub = s.get(m.Subscriber, order.subscriber_id)
        assert sub is not None
        if refund:
            account = lookups.account_for_update(s, sub.id)
            entry = post_points(
                s,
                account,
                PointsKind.REVERSAL,
                order.points,
                reason=f"订单{order.id}{render(f'loyalty.state.{target.value}')}",
                now=now,
            )
            order.refund_entry_id = entry.id
            s.execute(
                update(m.GiftStock)
                .where(
                    m.GiftStock.gift_code == order.gift_code,
                    m.GiftStock.province_code == order.warehouse,
                )
                .values(quantity=m.GiftStock.quantity + 1)
                .execution_options(synchronize_session=False)
            )
        order.state = target.value
        order.updated_at = now
        _event(s, order, target, note, who.subject, now)
        gift = s.get(m.Gift, order.gift_code)
        assert gift is not None
        lang = sub.language
        queue_sms(
            s,
            sub.msisdn,
            render(
                "loyalty.order_sms",
                lang,
                order=order.id,
                name=gift.name_en if lang == "en" else gift.name_zh,
                state=render(f"loyalty.state.{target.value}", lang),
            ),
            dedupe_key=f"loyalty-order:{order.id}:{target.value}",
            now=now,
        )
        s.flush()
        out = _order_views(s, [order])[0]
        uow.commit()
        return out


# --- merchants and one-time codes ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MerchantInfo:
    code: str
    name_zh: str
    name_en: str
    province: str

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


def authenticate_merchant(db: Database, code: str, password: str) -> MerchantInfo:
    with db.uow() as uow:
        row = uow.session.get(lm.Merchant, code.strip().upper()[:20])
        if row is None or not row.active or not verify_secret(password, row.password_hash):
            raise WrongSecret("loyalty.merchant_login")
        return MerchantInfo(row.code, row.name_zh, row.name_en, row.province_code)


def set_merchant_password(db: Database, code: str, password: str) -> None:
    """Give a merchant a new password (operator staff, tests)."""
    with db.uow() as uow:
        row = uow.session.get(lm.Merchant, code)
        if row is None:
            raise NotFound("loyalty.merchant_unknown", code=code)
        row.password_hash = hash_secret(password)
        uow.commit()


def _merchant_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_settings().secret_key, salt="telcare-merchant")


def issue_merchant_token(merchant: MerchantInfo) -> str:
    return _merchant_serializer().dumps(merchant.code)


def read_merchant_token(db: Database, token: str) -> MerchantInfo:
    """The merchant a token was issued to (still active), or :class:`WrongSecret`."""
    try:
        code = _merchant_serializer().loads(token, max_age=int(MERCHANT_TOKEN_TTL.total_seconds()))
    except (BadSignature, SignatureExpired, ValueError, TypeError) as exc:
        raise WrongSecret("login.token_invalid") from exc
    with db.uow() as uow:
        row = uow.session.get(lm.Merchant, str(code))
        if row is None or not row.active:
            raise WrongSecret("login.token_invalid")
        return MerchantInfo(row.code, row.name_zh, row.name_en, row.province_code)


@dataclass(frozen=True, slots=True)
class CodeView:
    code: str
    gift_code: str
    service_zh: str
    service_en: str
    merchant_zh: str
    merchant_en: str
    points: int
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    msisdn_masked: str = ""

    def service(self, lang: str) -> str:
        return self.service_en if lang == "en" else self.service_zh

    def merchant(self, lang: str) -> str:
        return self.merchant_en if lang == "en" else self.merchant_zh

    def status(self, now: datetime) -> str:
        if self.used_at is not None:
            return "used"
        return "expired" if now >= self.expires_at else "valid"

    @property
    def qr_svg(self) -> str:
        return qr_svg(self.code)


def qr_svg(code: str, scale: int = 5) -> str:
    """The code as an inline SVG QR code (what a merchant's scanner reads: the digits)."""
    return str(segno.make(code, error="m", micro=False).svg_inline(scale=scale, title=code))


def _code_views(s: Session, rows: list[lm.RedemptionCode]) -> list[CodeView]:
    services = {
        sv.id: sv
        for sv in s.scalars(
            select(lm.MerchantService).where(
                lm.MerchantService.id.in_({r.service_id for r in rows})
            )
        )
    }
    merchants = {mc.code: mc for mc in s.scalars(select(lm.Merchant))}
    numbers = dict(
        (r[0], r[1])
        for r in s.execute(
            select(m.Subscriber.id, m.Subscriber.msisdn).where(
                m.Subscriber.id.in_({r.subscriber_id for r in rows})
            )
        )
    )
    return [
        CodeView(
            r.code,
            r.gift_code,
            services[r.service_id].name_zh,
            services[r.service_id].name_en,
            merchants[r.merchant_code].name_zh,
            merchants[r.merchant_code].name_en,
            r.points,
            r.created_at,
            r.expires_at,
            r.used_at,
            _mask(numbers[r.subscriber_id]),
        )
        for r in rows
    ]


def _mask(msisdn: str) -> str:
    return msisdn[:3] + "****" + msisdn[-4:]


def my_codes(db: Database, msisdn: str) -> list[CodeView]:
    """The subscriber's merchant codes, newest first."""
    with db.uow() as uow:
        s = uow.session
        sub = lookups.subscriber(s, msisdn)
        rows = s.scalars(
            select(lm.RedemptionCode)
            .where(lm.RedemptionCode.subscriber_id == sub.id)
            .order_by(lm.RedemptionCode.id.desc())
            .limit(100)
        ).all()
        return _code_views(s, list(rows))


def verify_code(
    db: Database, merchant_code: str, code: str, *, now: datetime | None = None
) -> CodeView:
    """A merchant honours a code: valid once, before it expires, for that merchant only.

    The ``used_at IS NULL`` condition of the update makes two simultaneous
    verifications of one code succeed once; the other is refused as used.
    """
    now = _now(now)
    digits = rules.normalise_code(code)
    with db.uow() as uow:
        s = uow.session
        _check_throttle(s, merchant_code, now)
        row = s.scalar(select(lm.RedemptionCode).where(lm.RedemptionCode.code == digits))
        verdict = rules.judge_code(
            found=row is not None,
            merchant_matches=row is not None and row.merchant_code == merchant_code,
            used_at=row.used_at if row else None,
            expires_at=row.expires_at if row else None,
            now=now,
        )
        if verdict is rules.CodeVerdict.OK and row is not None:
            done: CursorResult[Any] = s.execute(  # type: ignore[assignment]
                update(lm.RedemptionCode)
                .where(lm.RedemptionCode.id == row.id, lm.RedemptionCode.used_at.is_(None))
                .values(used_at=now)
                .execution_options(synchronize_session=False)
            )
            if done.rowcount != 1:
                s.rollback()
                row = s.scalar(select(lm.RedemptionCode).where(lm.RedemptionCode.code == digits))
                verdict = rules.CodeVerdict.USED
            else:
                s.refresh(row)
                view = _code_views(s, [row])[0]
                uow.commit()
                return view
        if verdict is rules.CodeVerdict.UNKNOWN:
            s.add(lm.MerchantCheckFailure(merchant_code=merchant_code, created_at=now))
            uow.commit()
        _refuse(verdict, row)
    raise AssertionError("unreachable")  # pragma: no cover


def _refuse(verdict: rules.CodeVerdict, row: lm.RedemptionCode | None) -> None:
    def day(when: datetime | None) -> str:
        return when.astimezone(OPERATOR_TZ).strftime("%Y-%m-%d %H:%M") if when else ""

    if verdict is rules.CodeVerdict.USED and row is not None:
        raise CodeRefused("loyalty.code_used", when=day(row.used_at))
    if verdict is rules.CodeVerdict.EXPIRED and row is not None:
        raise CodeRefused("loyalty.code_expired", when=day(row.expires_at))
    raise NotFound("loyalty.code_unknown")


def merchant_codes(db: Database, merchant_code: str, limit: int = 50) -> list[CodeView]:
    """The merchant's latest honoured codes (its own page)."""
    with db.uow() as uow:
        s = uow.session
        rows = s.scalars(
            select(lm.RedemptionCode)
            .where(
                lm.RedemptionCode.merchant_code == merchant_code,
                lm.RedemptionCode.used_at.is_not(None),
            )
            .order_by(lm.RedemptionCode.used_at.desc())
            .limit(min(max(limit, 1), 200))
        ).all()
        return _code_views(s, list(rows))


# --- settlement ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SettlementRow:
    month: str
    merchant_code: str
    merchant_zh: str
    merchant_en: str
    redemptions: int
    points: int
    amount_fen: int


def _month_range(month: str) -> tuple[datetime, datetime]:
    try:
        start, end = months.bounds(month)
    except (ValueError, TypeError) as exc:
        raise InvalidInput("loyalty.month_bad") from exc
    return start.astimezone(UTC), end.astimezone(UTC)


def settlement(db: Database, month: str | None = None) -> list[SettlementRow]:
    """Points honoured per merchant per month (by the day each code was used) and what
    the operator owes (``settlement_fen_per_point``, rounded half up once per row)."""
    with db.uow() as uow:
        s = uow.session
        q = select(
            lm.RedemptionCode.merchant_code, lm.RedemptionCode.points, lm.RedemptionCode.used_at
        ).where(lm.RedemptionCode.used_at.is_not(None))
        if month:
            start, end = _month_range(month)
            q = q.where(and_(lm.RedemptionCode.used_at >= start, lm.RedemptionCode.used_at < end))
        totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        for merchant, points, used_at in s.execute(q):
            assert used_at is not None
            t = totals[(rules.month_key(_local_day(used_at)), merchant)]
            t[0] += 1
            t[1] += points
        merchants = {mc.code: mc for mc in s.scalars(select(lm.Merchant))}
        out = []
        for (mon, code), (count, points) in sorted(totals.items()):
            mc = merchants[code]
            amount = Decimal(points) * Decimal(mc.settlement_fen_per_point)
            fen = int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))
            out.append(SettlementRow(mon, code, mc.name_zh, mc.name_en, count, points, fen))
        return out


def settlement_csv(rows: Iterable[SettlementRow]) -> str:
    """The report as CSV (UTF-8, a header row, amounts in yuan)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["month", "merchant_code", "merchant_name", "redemptions", "points", "amount_yuan"])
    for r in rows:
        w.writerow(
            [
                r.month,
                r.merchant_code,
                r.merchant_zh,
                r.redemptions,
                r.points,
                fen_to_yuan(r.amount_fen),
            ]
        )
    return buf.getvalue()


# --- demo data ----------------------------------------------------------------------------

DEMO_ADDRESS = rules.Address("张伟", "13800138000", "BJ", "北京市", "东城区东长安街1号")
_TIERS = (
    ("standard", "普通", "Standard", 0),
    ("silver", "银卡", "Silver", 10_000),
    ("gold", "金卡", "Gold", 30_000),
    ("diamond", "钻石卡", "Diamond", 100_000),
)
_RULES: tuple[tuple[str, str | None, str | None, str], ...] = (
    ("spend", None, None, "1"),
    ("spend", "GOTONE", None, "2"),
    ("spend", "GOTONE", "gold", "3"),
    ("spend", "GOTONE", "diamond", "4"),
    ("spend", "MZONE", "gold", "1.5"),
    ("recharge", None, None, "0.5"),
)
_CAMPAIGNS = (
    ("NEW2009", "2009新品特惠", "2009 new-arrivals special", "spend", None,
     date(2009, 1, 1), date(2009, 12, 31), "2", "0"),
    ("MZONE2026", "动感地带双倍积分季", "M-Zone double points season", "spend", ["MZONE"],
     date(2026, 10, 1), date(2026, 12, 31), "2", "0"),
    ("TOPUP2026", "充值送积分", "Top-up bonus", "recharge", None,
     date(2026, 1, 1), date(2027, 12, 31), "1", "0.5"),
)  # fmt: skip
_MERCHANTS = (
    ("M0001", "全聚德（前门店）", "Quanjude (Qianmen)", "BJ", "1"),
    ("M0002", "爱康国宾体检中心", "iKang health check", "SH", "1.2"),
)
_SERVICES = (
    ("M0001", "DUCK", "烤鸭双人套餐", "Roast duck for two", 14),
    ("M0002", "CHECK", "基础体检套餐", "Basic health check", 60),
)
# code, zh, en, points, kind, service (merchant, code), provinces, stock
_GIFTS: tuple[tuple[Any, ...], ...] = (
    ("G002", "中国移动定制雨伞", "China Mobile umbrella", 600, "physical", None, None,
     {"GD": 30, "ZJ": 20}),
    ("G003", "蓝牙音箱", "Bluetooth speaker", 3000, "physical", None, None,
     {"BJ": 5, "SC": 5}),
    ("M101", "全聚德烤鸭双人套餐", "Quanjude roast duck for two", 2000, "service",
     ("M0001", "DUCK"), ["BJ"], {}),
    ("M201", "爱康国宾基础体检", "iKang basic health check", 3000, "service",
     ("M0002", "CHECK"), None, {}),
)  # fmt: skip


def seed_loyalty(db: Database) -> dict[str, str]:
    """Tiers, accrual rules, campaigns, two partner merchants with services, more gifts
    and a default address for 13800138000. Idempotent; returns new merchants' passwords."""
    passwords: dict[str, str] = {}
    now = clock.now()
    with db.uow() as uow:
        s = uow.session
        for code, zh, en, spend in _TIERS:
            if s.get(lm.LoyaltyTier, code) is None:
                s.add(
                    lm.LoyaltyTier(code=code, name_zh=zh, name_en=en, min_monthly_spend_fen=spend)
                )
        s.flush()
        if s.scalar(select(func.count()).select_from(lm.AccrualRule)) == 0:
            for source, brand, tier, per in _RULES:
                s.add(
                    lm.AccrualRule(
                        source=source,
                        brand=brand,
                        tier=tier,
                        points_per_yuan=Decimal(per),
                        valid_from=date(2000, 1, 1),
                        valid_to=None,
                    )
                )
        for code, zh, en, source, brands, start, end, mult, bonus in _CAMPAIGNS:
            if s.get(lm.LoyaltyCampaign, code) is None:
                s.add(
                    lm.LoyaltyCampaign(
                        code=code,
                        name_zh=zh,
                        name_en=en,
                        source=source,
                        brands=brands,
                        starts_on=start,
                        ends_on=end,
                        multiplier=Decimal(mult),
                        bonus_per_yuan=Decimal(bonus),
                    )
                )
        for code, zh, en, province, rate in _MERCHANTS:
            if s.get(lm.Merchant, code) is None:
                password = secrets.token_urlsafe(9)
                passwords[code] = password
                s.add(
                    lm.Merchant(
                        code=code,
                        name_zh=zh,
                        name_en=en,
                        province_code=province,
                        password_hash=hash_secret(password),
                        settlement_fen_per_point=Decimal(rate),
                        active=True,
                        created_at=now,
                    )
                )
        s.flush()
        service_ids: dict[tuple[str, str], int] = {}
        for merchant, code, zh, en, days in _SERVICES:
            row = s.scalar(
                select(lm.MerchantService).where(
                    lm.MerchantService.merchant_code == merchant, lm.MerchantService.code == code
                )
            )
            if row is None:
                row = lm.MerchantService(
                    merchant_code=merchant, code=code, name_zh=zh, name_en=en, valid_days=days
                )
                s.add(row)
                s.flush()
            service_ids[(merchant, code)] = row.id
        for code, zh, en, points, kind, service, provinces, stock in _GIFTS:
            if s.get(m.Gift, code) is not None:
                continue
            s.add(
                m.Gift(
                    code=code, name_zh=zh, name_en=en, points=points, physical=kind == "physical"
                )
            )
            s.flush()
            s.add(
                lm.GiftDetail(
                    gift_code=code,
                    kind=kind,
                    brands=None,
                    provinces=provinces,
                    service_id=service_ids[service] if service else None,
                    active=True,
                    description_zh="",
                    description_en="",
                )
            )
            for province, qty in stock.items():
                s.add(m.GiftStock(gift_code=code, province_code=province, quantity=qty))
        sub = s.scalar(select(m.Subscriber).where(m.Subscriber.msisdn == "13800138000"))
        if sub is not None and s.get(lm.DeliveryAddress, sub.id) is None:
            _put_address(s, sub.id, DEMO_ADDRESS, now)
        uow.commit()
    return passwords


# --- merchant code checks: the brute-force throttle ----------------------------------------

MAX_CHECK_FAILURES = 10
CHECK_WINDOW = timedelta(hours=1)


def _check_throttle(s: Session, merchant_code: str, now: datetime) -> None:
    """Refuse (:class:`Locked`) a merchant with ``MAX_CHECK_FAILURES`` wrong codes in the
    last hour. The merchant's row is locked, so concurrent checks count one by one."""
    s.scalar(select(lm.Merchant.code).where(lm.Merchant.code == merchant_code).with_for_update())
    recent = list(
        s.scalars(
            select(lm.MerchantCheckFailure.created_at)
            .where(
                lm.MerchantCheckFailure.merchant_code == merchant_code,
                lm.MerchantCheckFailure.created_at > now - CHECK_WINDOW,
            )
            .order_by(lm.MerchantCheckFailure.created_at)
        )
    )
    if len(recent) >= MAX_CHECK_FAILURES:
        until = recent[-MAX_CHECK_FAILURES] + CHECK_WINDOW
        raise Locked(
            "loyalty.checks_locked",
            limit=MAX_CHECK_FAILURES,
            when=until.astimezone(OPERATOR_TZ).strftime("%Y-%m-%d %H:%M"),
        )


def check_failures(db: Database, merchant_code: str, *, now: datetime | None = None) -> int:
    """Wrong codes the merchant checked in the last hour."""
    now = _now(now)
    with db.uow() as uow:
        return int(
            uow.session.scalar(
                select(func.count()).where(
                    lm.MerchantCheckFailure.merchant_code == merchant_code,
                    lm.MerchantCheckFailure.created_at > now - CHECK_WINDOW,
                )
            )
            or 0
        )


# --- expired, unused codes give their points back ------------------------------------------


@dataclass
class CodeRefundSummary:
    codes: int = 0
    points: int = 0


def refund_expired_codes(db: Database, *, now: datetime | None = None) -> CodeRefundSummary:
    """Give back the points of every code that expired unused, once per code.

    Idempotent: a code refunded has a ``redemption_code_refund`` row (its id is the
    key), written with the reversal under the code's and the account's row locks;
    a concurrent run either waits and finds it, or fails on the key and moves on.
    """
    now = _now(now)
    summary = CodeRefundSummary()
    with db.uow() as uow:
        ids = list(
            uow.session.scalars(
                select(lm.RedemptionCode.id)
                .outerjoin(lm.CodeRefund, lm.CodeRefund.code_id == lm.RedemptionCode.id)
                .where(
                    lm.RedemptionCode.used_at.is_(None),
                    lm.RedemptionCode.expires_at <= now,
                    lm.CodeRefund.code_id.is_(None),
                )
                .order_by(lm.RedemptionCode.id)
            )
        )
    for code_id in ids:
        try:
            with db.uow() as uow:
                points = _refund_code(uow.session, code_id, now)
                uow.commit()
        except IntegrityError:  # a concurrent run refunded it first
            continue
        if points:
            summary.codes += 1
            summary.points += points
    return summary


def _refund_code(s: Session, code_id: int, now: datetime) -> int:
    row = s.scalars(
        select(lm.RedemptionCode).where(lm.RedemptionCode.id == code_id).with_for_update()
    ).one()
    if row.used_at is not None or row.expires_at > now:
        return 0
    if s.get(lm.CodeRefund, code_id) is not None:
        return 0
    sub = s.get(m.Subscriber, row.subscriber_id)
    gift = s.get(m.Gift, row.gift_code)
    assert sub is not None and gift is not None
    account = lookups.account_for_update(s, sub.id)
    entry = post_points(
        s, account, PointsKind.REVERSAL, row.points, reason=f"兑换码{row.code}过期退还", now=now
    )
    s.add(lm.CodeRefund(code_id=row.id, points_entry_id=entry.id, created_at=now))
    s.flush()
    lang = sub.language
    queue_sms(
        s,
        sub.msisdn,
        render(
            "loyalty.code_refunded",
            lang,
            code=row.code,
            name=gift.name_en if lang == "en" else gift.name_zh,
            points=row.points,
        ),
        dedupe_key=f"loyalty-code-refund:{row.id}",
        now=now,
    )
    return row.points


# --- the catalog, rules, campaigns and merchants (headquarters staff) ---------------------


def _hq(who: Principal) -> None:
    if not who.is_headquarters:
        raise Forbidden("loyalty.hq_only")


def _bad(field_name: str, value: object) -> InvalidInput:
    return InvalidInput("loyalty.bad_field", field=field_name, value=str(value)[:40])


def _code_of(text: str, field_name: str = "code") -> str:
    code = text.strip().upper()
    if (
        not code
        or len(code) > 20
        or not all(c.isascii() and (c.isalnum() or c == "-") for c in code)
    ):
        raise _bad(field_name, text)
    return code


def _name(text: str, limit: int, field_name: str) -> str:
    value = " ".join(text.split())
    if not value or len(value) > limit:
        raise _bad(field_name, text)
    return value


def _brands(values: Iterable[str] | None) -> list[str] | None:
    chosen = sorted({v.strip().upper() for v in values or () if v.strip()})
    for b in chosen:
        if b not in {x.value for x in Brand}:
            raise _bad("brand", b)
    return chosen or None


def _provinces(values: Iterable[str] | None) -> list[str] | None:
    chosen = sorted({v.strip().upper() for v in values or () if v.strip()})
    for p in chosen:
        if p not in rules.CAPITALS:
            raise _bad("province", p)
    return chosen or None


def _decimal(text: str, field_name: str, low: Decimal, high: Decimal) -> Decimal:
    try:
        value = Decimal(text.strip())
    except ArithmeticError as exc:
        raise _bad(field_name, text) from exc
    if not value.is_finite() or not low <= value <= high or value != round(value, 4):
        raise _bad(field_name, text)
    return value


@dataclass(frozen=True, slots=True)
class GiftForm:
    """A gift as staff enter it (brands/provinces ``None``: everyone)."""

    code: str
    name_zh: str
    name_en: str
    points: int
    kind: str
    brands: list[str] | None = None
    provinces: list[str] | None = None
    service_id: int | None = None
    active: bool = True
    description_zh: str = ""
    description_en: str = ""


def gift_form(db: Database, code: str) -> GiftForm:
    """A gift as its edit form shows it."""
    with db.uow() as uow:
        gift, detail, offer = _gift(uow.session, code)
        return GiftForm(
            gift.code,
            gift.name_zh,
            gift.name_en,
            gift.points,
            offer.kind.value,
            sorted(offer.brands) if offer.brands is not None else None,
            sorted(offer.provinces) if offer.provinces is not None else None,
            detail.service_id if detail else None,
            offer.active,
            detail.description_zh if detail else "",
            detail.description_en if detail else "",
        )


def save_gift(db: Database, who: Principal, form: GiftForm) -> GiftView:
    """Create a gift or edit one (HQ): names, points, kind, eligibility, merchant service
    (e-vouchers and partner services need one), listed or withdrawn. Stock is untouched."""
    _hq(who)
    code = _code_of(form.code)
    name_zh = _name(form.name_zh, 60, "name_zh")
    name_en = _name(form.name_en, 80, "name_en")
    if not 1 <= form.points <= 10_000_000:
        raise _bad("points", form.points)
    try:
        kind = rules.GiftKind(form.kind)
    except ValueError as exc:
        raise _bad("kind", form.kind) from exc
    brands, provinces = _brands(form.brands), _provinces(form.provinces)
    with db.uow() as uow:
        s = uow.session
        service_id = None
        if kind is not rules.GiftKind.PHYSICAL:
            if form.service_id is None or s.get(lm.MerchantService, form.service_id) is None:
                raise InvalidInput("loyalty.service_needed")
            service_id = form.service_id
        gift = s.get(m.Gift, code, with_for_update=True)
        if gift is None:
            gift = m.Gift(code=code)
            s.add(gift)
        gift.name_zh, gift.name_en, gift.points = name_zh, name_en, form.points
        gift.physical = kind is rules.GiftKind.PHYSICAL
        s.flush()
        detail = s.get(lm.GiftDetail, code)
        if detail is None:
            detail = lm.GiftDetail(gift_code=code)
            s.add(detail)
        detail.kind, detail.brands, detail.provinces = kind.value, brands, provinces
        detail.service_id, detail.active = service_id, form.active
        detail.description_zh = form.description_zh.strip()[:2000]
        detail.description_en = form.description_en.strip()[:2000]
        s.flush()
        view = _views(s, [gift], None)[0]
        uow.commit()
        return view


@dataclass(frozen=True, slots=True)
class RuleView:
    id: int
    source: str
    brand: str | None
    tier: str | None
    points_per_yuan: Decimal
    valid_from: date
    valid_to: date | None


@dataclass(frozen=True, slots=True)
class CampaignView:
    code: str
    name_zh: str
    name_en: str
    source: str
    brands: list[str] | None
    starts_on: date
    ends_on: date
    multiplier: Decimal
    bonus_per_yuan: Decimal

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


def accrual_rules(db: Database) -> list[RuleView]:
    """Every accrual rule, by source, brand and tier."""
    with db.uow() as uow:
        rows = uow.session.scalars(select(lm.AccrualRule).order_by(lm.AccrualRule.id))
        return [
            RuleView(
                r.id,
                r.source,
                r.brand,
                r.tier,
                Decimal(r.points_per_yuan),
                r.valid_from,
                r.valid_to,
            )
            for r in rows
        ]


def tiers(db: Database) -> list[str]:
    """The tier codes, lowest first."""
    with db.uow() as uow:
        return list(
            uow.session.scalars(
                select(lm.LoyaltyTier.code).order_by(lm.LoyaltyTier.min_monthly_spend_fen)
            )
        )


def _source(text: str) -> str:
    try:
        return rules.Source(text.strip()).value
    except ValueError as exc:
        raise _bad("source", text) from exc


def save_rule(
    db: Database,
    who: Principal,
    *,
    rule_id: int | None,
    source: str,
    brand: str | None,
    tier: str | None,
    points_per_yuan: str,
    valid_from: date,
    valid_to: date | None,
) -> RuleView:
    """Create an accrual rule, or edit rule ``rule_id`` (HQ). End a rule with ``valid_to``."""
    _hq(who)
    src = _source(source)
    brands = _brands([brand] if brand else None)
    rate = _decimal(points_per_yuan, "points_per_yuan", Decimal(0), Decimal(1000))
    if valid_to is not None and valid_to < valid_from:
        raise _bad("valid_to", valid_to)
    with db.uow() as uow:
        s = uow.session
        tier = (tier or "").strip() or None
        if tier is not None and s.get(lm.LoyaltyTier, tier) is None:
            raise _bad("tier", tier)
        if rule_id is None:
            row = lm.AccrualRule()
            s.add(row)
        else:
            found = s.get(lm.AccrualRule, rule_id)
            if found is None:
                raise NotFound("loyalty.rule_unknown", id=rule_id)
            row = found
        row.source, row.brand, row.tier = src, brands[0] if brands else None, tier
        row.points_per_yuan, row.valid_from, row.valid_to = rate, valid_from, valid_to
        s.flush()
        view = RuleView(row.id, src, row.brand, tier, rate, valid_from, valid_to)
        uow.commit()
        return view


def campaigns(db: Database) -> list[CampaignView]:
    """Every campaign, latest start first."""
    with db.uow() as uow:
        rows = uow.session.scalars(
            select(lm.LoyaltyCampaign).order_by(
                lm.LoyaltyCampaign.starts_on.desc(), lm.LoyaltyCampaign.code
            )
        )
        return [
            CampaignView(
                c.code,
                c.name_zh,
                c.name_en,
                c.source,
                c.brands,
                c.starts_on,
                c.ends_on,
                Decimal(c.multiplier),
                Decimal(c.bonus_per_yuan),
            )
            for c in rows
        ]


def save_campaign(db: Database, who: Principal, c: CampaignView) -> CampaignView:
    """Create or edit a campaign (HQ): days (both included), source, brands, multiplier
    and bonus points per yuan."""
    _hq(who)
    code = _code_of(c.code)
    if c.ends_on < c.starts_on:
        raise _bad("ends_on", c.ends_on)
    mult = _decimal(str(c.multiplier), "multiplier", Decimal(0), Decimal(100))
    bonus = _decimal(str(c.bonus_per_yuan), "bonus_per_yuan", Decimal(0), Decimal(1000))
    clean = CampaignView(
        code,
        _name(c.name_zh, 60, "name_zh"),
        _name(c.name_en, 80, "name_en"),
        _source(c.source),
        _brands(c.brands),
        c.starts_on,
        c.ends_on,
        mult,
        bonus,
    )
    with db.uow() as uow:
        s = uow.session
        row = s.get(lm.LoyaltyCampaign, code)
        if row is None:
            row = lm.LoyaltyCampaign(code=code)
            s.add(row)
        row.name_zh, row.name_en, row.source = clean.name_zh, clean.name_en, clean.source
        row.brands, row.starts_on, row.ends_on = clean.brands, clean.starts_on, clean.ends_on
        row.multiplier, row.bonus_per_yuan = mult, bonus
        uow.commit()
    return clean


@dataclass(frozen=True, slots=True)
class ServiceView:
    id: int
    merchant_code: str
    code: str
    name_zh: str
    name_en: str
    valid_days: int

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


@dataclass(frozen=True, slots=True)
class MerchantView:
    code: str
    name_zh: str
    name_en: str
    province: str
    settlement_fen_per_point: Decimal
    active: bool
    services: list[ServiceView]

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


def merchants(db: Database) -> list[MerchantView]:
    """Every partner merchant with its services."""
    with db.uow() as uow:
        s = uow.session
        services: dict[str, list[ServiceView]] = defaultdict(list)
        for sv in s.scalars(select(lm.MerchantService).order_by(lm.MerchantService.code)):
            services[sv.merchant_code].append(
                ServiceView(sv.id, sv.merchant_code, sv.code, sv.name_zh, sv.name_en, sv.valid_days)
            )
        return [
            MerchantView(
                mc.code,
                mc.name_zh,
                mc.name_en,
                mc.province_code,
                Decimal(mc.settlement_fen_per_point),
                mc.active,
                services[mc.code],
            )
            for mc in s.scalars(select(lm.Merchant).order_by(lm.Merchant.code))
        ]


def save_merchant(
    db: Database,
    who: Principal,
    *,
    code: str,
    name_zh: str,
    name_en: str,
    province: str,
    settlement_fen_per_point: str,
    active: bool = True,
    now: datetime | None = None,
) -> str | None:
    """Create or edit a partner merchant (HQ). A new merchant gets a random password,
    returned once (``None`` for an edit; :func:`set_merchant_password` resets)."""
    _hq(who)
    key = _code_of(code)
    zh, en = _name(name_zh, 60, "name_zh"), _name(name_en, 80, "name_en")
    chosen = _provinces([province])
    if not chosen:
        raise _bad("province", province)
    prov = chosen[0]
    rate = _decimal(settlement_fen_per_point, "settlement", Decimal(0), Decimal(1000))
    password = None
    with db.uow() as uow:
        s = uow.session
        row = s.get(lm.Merchant, key)
        if row is None:
            password = secrets.token_urlsafe(9)
            row = lm.Merchant(code=key, password_hash=hash_secret(password), created_at=_now(now))
            s.add(row)
        row.name_zh, row.name_en, row.province_code = zh, en, prov
        row.settlement_fen_per_point, row.active = rate, active
        uow.commit()
    return password


def save_service(
    db: Database,
    who: Principal,
    *,
    merchant_code: str,
    code: str,
    name_zh: str,
    name_en: str,
    valid_days: int,
) -> ServiceView:
    """Create or edit (by merchant and code) a merchant service (HQ)."""
    _hq(who)
    key = _code_of(code)
    zh, en = _name(name_zh, 60, "name_zh"), _name(name_en, 80, "name_en")
    if not 1 <= valid_days <= 3660:
        raise _bad("valid_days", valid_days)
    with db.uow() as uow:
        s = uow.session
        merchant = s.get(lm.Merchant, merchant_code.strip().upper()[:20])
        if merchant is None:
            raise NotFound("loyalty.merchant_unknown", code=merchant_code[:20])
        row = s.scalar(
            select(lm.MerchantService).where(
                lm.MerchantService.merchant_code == merchant.code, lm.MerchantService.code == key
            )
        )
        if row is None:
            row = lm.MerchantService(merchant_code=merchant.code, code=key)
            s.add(row)
        row.name_zh, row.name_en, row.valid_days = zh, en, valid_days
        s.flush()
        view = ServiceView(row.id, merchant.code, key, zh, en, valid_days)
        uow.commit()
        return view
