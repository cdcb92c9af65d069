"""Recurring fee rules: which subscriptions renew on the 1st, what they cost, the first month.

On the first instant of a month (Beijing time) every monthly product in force and
still renewing is renewed for that month:

- a free product (no fee, or not charged) renews and posts nothing;
- a **base plan** always renews and its fee is posted, even into a negative
  balance (the barring rules then apply, as for usage);
- an **add-on** (or monthly promotion) renews only if the balance, after the
  base plans of the same line, covers its fee; otherwise it *lapses*: it ends
  at the month's start and the subscriber is told by SMS.

A subscription that started in the month before pays its first month on ordering
(:func:`first_month_fee`: the full fee or prorated by day, as the catalog says).
"""

from __future__ import annotations

import calendar
import enum
from dataclasses import dataclass
from datetime import datetime

from telcare.domain.catalog import FirstMonth, Period, ProductKind
from telcare.domain.subscriptions import OPERATOR_TZ


class Outcome(enum.StrEnum):
    CHARGED = "charged"
    FREE = "free"
    LAPSED = "lapsed"


@dataclass(frozen=True, slots=True)
class Due:
    """One subscription due for renewal, as the rules need it."""

    subscription_id: int
    kind: ProductKind
    price_fen: int
    charged: bool


@dataclass(frozen=True, slots=True)
class Decision:
    subscription_id: int
    outcome: Outcome
    fee_fen: int  # what is posted (positive), 0 unless charged


def renews(
    kind: ProductKind,
    period: Period,
    state: str,
    starts_at: datetime,
    ends_at: datetime | None,
    month_start: datetime,
) -> bool:
    """Whether a subscription renews at ``month_start``: a monthly one, active, started
    before that instant and not ending by it (a cancelled one ends at the month's start).

    A base plan starting *at* that instant renews too: it is a plan change scheduled
    for the 1st, whose first month nobody paid on ordering (an add-on's first month
    is paid when it is ordered)."""
    started = starts_at < month_start or (
        kind is ProductKind.BASE_PLAN and starts_at == month_start
    )
    return (
        period is Period.MONTHLY
        and state == "active"
        and started
        and (ends_at is None or ends_at > month_start)
    )


def decide(line: list[Due], balance_fen: int) -> list[Decision]:
    """The renewals of one line's subscriptions: base plans first (always posted), then
    the rest in order while the balance covers each fee."""
    ordered = sorted(line, key=lambda d: (d.kind is not ProductKind.BASE_PLAN, d.subscription_id))
    out = []
    for due in ordered:
        fee = due.price_fen if due.charged else 0
        if fee <= 0:
            out.append(Decision(due.subscription_id, Outcome.FREE, 0))
        elif due.kind is ProductKind.BASE_PLAN or balance_fen >= fee:
            balance_fen -= fee
            out.append(Decision(due.subscription_id, Outcome.CHARGED, fee))
        else:
            out.append(Decision(due.subscription_id, Outcome.LAPSED, 0))
    return out


def covers(balance_fen: int, fees_fen: list[int]) -> bool:
    """Whether a line's spendable balance (:func:`telcare.domain.ledger.available`) stays
    above zero after every fee of its renewals.

    Then :func:`decide` charges every fee in full and no barring follows, whatever
    the order: the cycle may post such lines as a set, without a decision per line."""
    return balance_fen - sum(f for f in fees_fen if f > 0) > 0


def first_month_fee(price_fen: int, terms: FirstMonth, starts_at: datetime) -> int:
    """The fee of the month a subscription starts in: the full fee, or prorated by the
    days left in that month (the start day included), rounded half up to the fen."""
    if terms is FirstMonth.FULL or price_fen <= 0:
        return price_fen
    local = starts_at.astimezone(OPERATOR_TZ)
    days = calendar.monthrange(local.year, local.month)[1]
    left = days - local.day + 1
    return (price_fen * left * 2 + days) // (2 * days)


def month_start(month: str) -> datetime:
    """The first instant of ``YYYY-MM`` in Beijing time."""
    year, mon = month.split("-")
    return datetime(int(year), int(mon), 1, tzinfo=OPERATOR_TZ)
