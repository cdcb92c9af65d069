"""Earning points: sources, tiers by last month's spend, rules, campaigns, milli-points."""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal

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


def month_key(when: date) -> str:
    return f"{when.year:04d}-{when.month:02d}"


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
