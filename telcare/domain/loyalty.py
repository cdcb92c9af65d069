"""Loyalty rules: accrual, tiers, campaigns, expiry, gift eligibility, delivery orders,
warehouse choice and one-time merchant codes. Pure: no I/O, no clock, no store.

Accrual rules and campaigns are *data* (rows in the store, seeded and edited by
staff); this module only says how they combine:

* a ledger entry's **spend** is what the subscriber paid (a charge, less a refund)
  or topped up (a recharge), each source with its own rules;
* the **tier** of a subscriber for a month is the highest tier whose monthly-spend
  threshold the previous calendar month's spend reaches;
* the **rule** for an entry is the most specific one in force on its day
  (brand and tier > brand > tier > any) for its source;
* **campaigns** in force on the day (matching source and brand) multiply the rule's
  rate and may add a fixed bonus per yuan;
* points are counted exactly in thousandths (*milli-points*) per entry; a
  subscriber's posted points are the floor of the running total, so small daily
  charges add up and nothing is rounded twice;
* points **expire** first in, first out: points earned in year Y and not used by
  the end of year Y+1 expire then.
"""

from __future__ import annotations

import enum
import math
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_FLOOR, Decimal

from telcare.domain.errors import Conflict, InvalidInput, NotEligible
from telcare.domain.messages import register

MILLI = 1000  # milli-points per point


class Source(enum.StrEnum):
    """What a rule earns points on."""

    SPEND = "spend"  # charges (package fees, usage) less refunds
    RECHARGE = "recharge"  # money topped up


SPEND_KINDS = frozenset({"charge", "refund"})
RECHARGE_KINDS = frozenset({"recharge"})


def source_of(ledger_kind: str) -> Source | None:
    """The accrual source of a money-ledger entry kind (adjustments earn nothing)."""
    if ledger_kind in SPEND_KINDS:
        return Source.SPEND
    if ledger_kind in RECHARGE_KINDS:
        return Source.RECHARGE
    return None


def spend_of(ledger_kind: str, amount_fen: int) -> int:
    """The fen an entry earns on: a charge (negative delta) earns its size, a refund
    takes it back, a recharge earns its amount."""
    if ledger_kind in SPEND_KINDS:
        return -amount_fen
    if ledger_kind in RECHARGE_KINDS:
        return amount_fen
    return 0


# --- tiers ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tier:
    code: str
    name_zh: str
    name_en: str
    min_monthly_spend_fen: int

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


def tier_for(monthly_spend_fen: int, tiers: Iterable[Tier]) -> str | None:
    """The code of the highest tier whose threshold ``monthly_spend_fen`` reaches."""
    reached = [t for t in tiers if monthly_spend_fen >= t.min_monthly_spend_fen]
    if not reached:
        return None
    return max(reached, key=lambda t: (t.min_monthly_spend_fen, t.code)).code


def previous_month(day: date) -> tuple[date, date]:
    """``[first day, first day of next month)`` of the month before ``day``'s."""
    first = day.replace(day=1)
    start = (first - timedelta(days=1)).replace(day=1)
    return start, first


# --- accrual ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AccrualRule:
    """Points per yuan for a source, optionally only for a brand and/or a tier."""

    source: Source
    points_per_yuan: Decimal
    brand: str | None = None
    tier: str | None = None
    valid_from: date = date(2000, 1, 1)
    valid_to: date | None = None  # exclusive

    def in_force(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)

    def matches(self, source: Source, brand: str, tier: str | None) -> bool:
        return (
            self.source is source
            and (self.brand is None or self.brand == brand)
            and (self.tier is None or self.tier == tier)
        )

    @property
    def specificity(self) -> int:
        return (2 if self.brand is not None else 0) + (1 if self.tier is not None else 0)


@dataclass(frozen=True, slots=True)
class Campaign:
    """A bonus between two days (``ends_on`` included): a multiplier and/or extra points."""

    code: str
    name_zh: str
    name_en: str
    starts_on: date
    ends_on: date
    multiplier: Decimal = Decimal(1)
    bonus_per_yuan: Decimal = Decimal(0)
    source: Source = Source.SPEND
    brands: frozenset[str] | None = None  # None: every brand

    def applies(self, day: date, source: Source, brand: str) -> bool:
        return (
            self.starts_on <= day <= self.ends_on
            and self.source is source
            and (self.brands is None or brand in self.brands)
        )

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


def choose_rule(
    rules: Iterable[AccrualRule], source: Source, brand: str, tier: str | None, day: date
) -> AccrualRule | None:
    """The most specific rule in force on ``day``; the newest wins a tie."""
    fitting = [r for r in rules if r.in_force(day) and r.matches(source, brand, tier)]
    if not fitting:
        return None
    return max(fitting, key=lambda r: (r.specificity, r.valid_from))


def rate(
    rules: Iterable[AccrualRule],
    campaigns: Iterable[Campaign],
    source: Source,
    brand: str,
    tier: str | None,
    day: date,
) -> Decimal:
    """Points per yuan for one entry: the rule's rate times every campaign's multiplier,
    plus every campaign's bonus."""
    rule = choose_rule(rules, source, brand, tier, day)
    base = rule.points_per_yuan if rule else Decimal(0)
    active = [c for c in campaigns if c.applies(day, source, brand)]
    multiplier = math.prod((c.multiplier for c in active), start=Decimal(1))
    return base * multiplier + sum((c.bonus_per_yuan for c in active), start=Decimal(0))


def milli_points(spend_fen: int, points_per_yuan: Decimal) -> int:
    """Exact points earned on ``spend_fen`` in thousandths, rounded toward minus infinity
    (a negative spend, a refund, takes back what it earned)."""
    exact = Decimal(spend_fen) * points_per_yuan * MILLI / 100
    return int(exact.to_integral_value(rounding=ROUND_FLOOR))


def points_step(milli_before: int, milli_after: int) -> int:
    """Whole points to post when a running total of milli-points moves."""
    return milli_after // MILLI - milli_before // MILLI


# --- expiry -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PointsMove:
    """One points-ledger entry as expiry sees it: its sign, size and local day."""

    points: int
    day: date
    kind: str


EARNING_KINDS = frozenset({"accrual", "adjustment", "reversal"})


def expiry_day(earned_year: int) -> date:
    """Points earned in ``earned_year`` expire when ``earned_year + 2`` begins."""
    return date(earned_year + 2, 1, 1)


def points_to_expire(moves: Sequence[PointsMove], earned_year: int, balance: int) -> int:
    """Points earned up to ``earned_year`` and still unused at its expiry (FIFO).

    Credits (positive entries) dated up to the end of ``earned_year`` form the
    expiring pool; every debit before the expiry day (redemptions, negative
    adjustments) and every expiry is taken from the oldest points first. A
    reversal credits back points that were spent, so it counts as a credit on its
    day. Never more than the current ``balance``.
    """
    cutoff = expiry_day(earned_year)
    old_credits = sum(mv.points for mv in moves if mv.points > 0 and mv.day.year <= earned_year)
    debits = sum(
        -mv.points for mv in moves if mv.points < 0 and (mv.day < cutoff or mv.kind == "expiry")
    )
    return max(0, min(old_credits - debits, balance))


# --- the mall -------------------------------------------------------------------------------


class GiftKind(enum.StrEnum):
    PHYSICAL = "physical"  # delivered to an address from a warehouse
    EVOUCHER = "evoucher"  # a code used at a partner (online shop, bookstore)
    SERVICE = "service"  # a partner merchant's service (restaurant, health check)


@dataclass(frozen=True, slots=True)
class GiftOffer:
    code: str
    name_zh: str
    name_en: str
    points: int
    kind: GiftKind
    brands: frozenset[str] | None = None
    provinces: frozenset[str] | None = None  # where it is honoured (services); None: all
    active: bool = True

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh

    @property
    def delivered(self) -> bool:
        return self.kind is GiftKind.PHYSICAL


def check_can_redeem(gift: GiftOffer, brand: str, province: str, points: int) -> None:
    """Raise unless a subscriber of ``brand`` in ``province`` with ``points`` may redeem."""
    if not gift.active:
        raise NotEligible("loyalty.gift_unknown", code=gift.code)
    if gift.brands is not None and brand not in gift.brands:
        raise NotEligible("loyalty.gift_brand", code=gift.code)
    if gift.provinces is not None and province not in gift.provinces:
        raise NotEligible("loyalty.gift_province", code=gift.code)
    if points < gift.points:
        raise NotEligible("loyalty.points_short", code=gift.code, need=gift.points, have=points)


def search(gifts: Iterable[GiftOffer], query: str) -> list[GiftOffer]:
    """Gifts whose code or either name contains every word of ``query`` (case-blind)."""
    words = query.casefold().split()
    return [
        g for g in gifts if all(w in f"{g.code} {g.name_zh} {g.name_en}".casefold() for w in words)
    ]


# --- delivery orders --------------------------------------------------------------------------


class OrderState(enum.StrEnum):
    PLACED = "placed"
    PICKED = "picked"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    RETURNED = "returned"
    CANCELLED = "cancelled"


_NEXT: dict[OrderState, frozenset[OrderState]] = {
    OrderState.PLACED: frozenset({OrderState.PICKED, OrderState.CANCELLED}),
    OrderState.PICKED: frozenset({OrderState.SHIPPED, OrderState.CANCELLED}),
    OrderState.SHIPPED: frozenset({OrderState.DELIVERED, OrderState.RETURNED}),
    OrderState.DELIVERED: frozenset({OrderState.RETURNED}),
    OrderState.RETURNED: frozenset(),
    OrderState.CANCELLED: frozenset(),
}
REFUNDING = frozenset({OrderState.CANCELLED, OrderState.RETURNED})
"""States that give the points back (and put the gift back in stock)."""
SUBSCRIBER_CANCELLABLE = frozenset({OrderState.PLACED})
"""A subscriber may cancel only before the warehouse picks the gift; staff until shipped."""


def next_states(state: OrderState) -> frozenset[OrderState]:
    return _NEXT[state]


def transition(state: OrderState, target: OrderState, *, refunded: bool) -> bool:
    """Check a move and say whether it refunds points: True exactly once per order."""
    if target not in _NEXT[state]:
        raise Conflict("loyalty.order_bad_step", state=state.value, target=target.value)
    if target in REFUNDING:
        if refunded:
            raise Conflict("loyalty.order_refunded")
        return True
    return False


# --- warehouses -------------------------------------------------------------------------------

CAPITALS: dict[str, tuple[float, float]] = {
    "BJ": (39.90, 116.40),
    "TJ": (39.13, 117.20),
    "HE": (38.04, 114.51),
    "SX": (37.87, 112.55),
    "NM": (40.84, 111.75),
    "LN": (41.80, 123.43),
    "JL": (43.82, 125.32),
    "HL": (45.80, 126.53),
    "SH": (31.23, 121.47),
    "JS": (32.06, 118.80),
    "ZJ": (30.27, 120.15),
    "AH": (31.82, 117.23),
    "FJ": (26.07, 119.30),
    "JX": (28.68, 115.86),
    "SD": (36.65, 117.12),
    "HA": (34.75, 113.62),
    "HB": (30.59, 114.31),
    "HN": (28.23, 112.94),
    "GD": (23.13, 113.26),
    "GX": (22.82, 108.37),
    "HI": (20.04, 110.20),
    "CQ": (29.56, 106.55),
    "SC": (30.57, 104.07),
    "GZ": (26.65, 106.63),
    "YN": (25.04, 102.71),
    "XZ": (29.65, 91.13),
    "SN": (34.34, 108.94),
    "GS": (36.06, 103.83),
    "QH": (36.62, 101.78),
    "NX": (38.49, 106.23),
    "XJ": (43.83, 87.62),
}
"""Latitude and longitude of each provincial capital: the warehouse's location."""


def distance_km(a: str, b: str) -> float:
    """Great-circle distance between two provinces' capitals (0 for the same one)."""
    if a == b:
        return 0.0
    (lat1, lon1), (lat2, lon2) = CAPITALS[a], CAPITALS[b]
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def warehouses_by_distance(destination: str, stock: Mapping[str, int]) -> list[str]:
    """Provinces holding stock, the destination first, then nearest first (code breaks ties)."""
    return sorted(
        (p for p, q in stock.items() if q > 0 and p in CAPITALS),
        key=lambda p: (distance_km(destination, p), p),
    )


def choose_warehouse(destination: str, stock: Mapping[str, int]) -> str | None:
    """The warehouse a parcel for ``destination`` is picked from, or None (out of stock)."""
    ordered = warehouses_by_distance(destination, stock)
    return ordered[0] if ordered else None


# --- addresses --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Address:
    recipient: str
    phone: str
    province: str
    city: str
    street: str

    def one_line(self) -> str:
        return f"{self.city} {self.street} ({self.recipient} {self.phone})"


def check_address(a: Address) -> Address:
    """Trimmed and validated; raise :class:`InvalidInput` for a missing or bad part."""
    cleaned = Address(
        a.recipient.strip()[:40],
        a.phone.strip()[:20],
        a.province.strip().upper(),
        a.city.strip()[:40],
        a.street.strip()[:200],
    )
    if cleaned.province not in CAPITALS:
        raise InvalidInput("loyalty.address_province", value=a.province[:10])
    if not (cleaned.recipient and cleaned.city and cleaned.street):
        raise InvalidInput("loyalty.address_missing")
    if not (cleaned.phone.isascii() and cleaned.phone.isdigit() and len(cleaned.phone) >= 7):
        raise InvalidInput("loyalty.address_phone")
    return cleaned


# --- one-time merchant codes --------------------------------------------------------------------

CODE_DIGITS = 8
CODE_TTL = timedelta(days=30)


def new_code() -> str:
    """A fresh short numeric code (``CODE_DIGITS`` digits, from the system's CSPRNG)."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def normalise_code(text: str) -> str:
    """Digits only (spaces and dashes a merchant may type are dropped)."""
    return "".join(ch for ch in text if ch.isascii() and ch.isdigit())[: CODE_DIGITS + 4]


class CodeVerdict(enum.StrEnum):
    OK = "ok"
    UNKNOWN = "unknown"  # no such code, or another merchant's
    USED = "used"
    EXPIRED = "expired"


def judge_code(
    *,
    found: bool,
    merchant_matches: bool,
    used_at: datetime | None,
    expires_at: datetime | None,
    now: datetime,
) -> CodeVerdict:
    """Whether a merchant may honour a code now. Another merchant's code is "unknown"
    to them (a merchant learns nothing about codes that are not theirs)."""
    if not found or not merchant_matches:
        return CodeVerdict.UNKNOWN
    if used_at is not None:
        return CodeVerdict.USED
    if expires_at is not None and now >= expires_at:
        return CodeVerdict.EXPIRED
    return CodeVerdict.OK


def month_key(when: date) -> str:
    return f"{when.year:04d}-{when.month:02d}"


TEXTS: dict[str, tuple[str, str]] = {
    "loyalty.gift_unknown": ("没有代码为{code}的礼品。", "There is no gift with code {code}."),
    "loyalty.gift_brand": ("您的品牌不能兑换{code}。", "Your brand cannot redeem {code}."),
    "loyalty.gift_province": (
        "{code}在您所在省份不提供。",
        "{code} is not offered in your province.",
    ),
    "loyalty.points_short": (
        "兑换{code}需要{need}积分，您当前有{have}积分。",
        "{code} needs {need} points; you have {have}.",
    ),
    "loyalty.out_of_stock": ("{code}暂时无货。", "{code} is out of stock."),
    "loyalty.address_needed": (
        "实物礼品需要收货地址，请先在网上营业厅“积分商城”设置默认地址。",
        "A physical gift needs a delivery address: set one in the online hall's points mall.",
    ),
    "loyalty.address_province": ("省份{value}无效。", "Unknown province {value}."),
    "loyalty.address_missing": (
        "请填写收货人、城市和详细地址。",
        "Recipient, city and street are required.",
    ),
    "loyalty.address_phone": ("联系电话无效。", "The contact phone is not valid."),
    "loyalty.order_unknown": ("没有编号为{id}的订单。", "There is no order {id}."),
    "loyalty.order_bad_step": (
        "订单当前状态为{state}，不能变为{target}。",
        "An order that is {state} cannot become {target}.",
    ),
    "loyalty.order_refunded": (
        "该订单的积分已退还。",
        "This order's points were already returned.",
    ),
    "loyalty.order_not_cancellable": (
        "礼品已出库，不能取消；签收后可申请退货。",
        "The gift has left the warehouse; it can be returned once delivered.",
    ),
    "loyalty.merchant_login": ("商户编号或密码错误。", "Wrong merchant ID or password."),
    "loyalty.code_unknown": (
        "兑换码无效：不是本商户的兑换码。",
        "Invalid code: it is not a code for this merchant.",
    ),
    "loyalty.code_used": (
        "兑换码已于{when}使用，不能重复使用。",
        "This code was already used on {when}; it cannot be used again.",
    ),
    "loyalty.code_expired": (
        "兑换码已于{when}过期。",
        "This code expired on {when}.",
    ),
    "loyalty.not_physical": ("{code}不是实物礼品。", "{code} is not a physical gift."),
    "loyalty.month_bad": ("月份格式应为YYYY-MM。", "Months are written YYYY-MM."),
}
register(TEXTS)
