"""Recurring fee rules: who renews, in what order the balance pays, the first month's fee."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from telcare.domain import renewals as rules
from telcare.domain.catalog import FirstMonth, Period, ProductKind
from telcare.domain.renewals import Decision, Due, Outcome
from telcare.domain.subscriptions import OPERATOR_TZ

BJ = OPERATOR_TZ
JAN = rules.month_start("2027-01")
BASE = ProductKind.BASE_PLAN
ADDON = ProductKind.ADDON


@pytest.mark.parametrize(
    ("kind", "period", "state", "starts", "ends", "renews"),
    [
        (ADDON, Period.MONTHLY, "active", datetime(2026, 12, 4, tzinfo=BJ), None, True),
        # cancelled in December: it ends at the 1st, so it is not renewed
        (ADDON, Period.MONTHLY, "cancelled", datetime(2026, 12, 4, tzinfo=BJ), JAN, False),
        (BASE, Period.MONTHLY, "active", datetime(2026, 12, 4, tzinfo=BJ), JAN, False),
        (ADDON, Period.MONTHLY, "active", JAN, None, False),  # ordered at 00:00: paid then
        (BASE, Period.MONTHLY, "active", JAN, None, True),  # a plan change from the 1st
        (ADDON, Period.ONCE, "active", datetime(2026, 12, 4, tzinfo=BJ), None, False),
        (ADDON, Period.MONTHLY, "pending", datetime(2026, 12, 4, tzinfo=BJ), None, False),
    ],
)
def test_who_renews(
    kind: ProductKind,
    period: Period,
    state: str,
    starts: datetime,
    ends: datetime | None,
    renews: bool,
) -> None:
    assert rules.renews(kind, period, state, starts, ends, JAN) is renews


def test_base_plan_first_then_addons_while_the_balance_covers() -> None:
    line = [
        Due(7, ADDON, 500, True),  # LCYJ 5.00
        Due(3, ADDON, 100, True),  # G3YH 1.00
        Due(1, BASE, 8800, True),  # QQT88 88.00
    ]
    # 90.00: the plan takes 88.00, G3YH (lower id) 1.00, LCYJ 5.00 no longer fits
    assert rules.decide(line, 9000) == [
        Decision(1, Outcome.CHARGED, 8800),
        Decision(3, Outcome.CHARGED, 100),
        Decision(7, Outcome.LAPSED, 0),
    ]


def test_base_plan_fee_is_posted_even_without_balance() -> None:
    assert rules.decide([Due(1, BASE, 8800, True), Due(2, ADDON, 100, True)], 50) == [
        Decision(1, Outcome.CHARGED, 8800),
        Decision(2, Outcome.LAPSED, 0),
    ]


def test_an_addon_exactly_covered_renews() -> None:
    assert rules.decide([Due(2, ADDON, 100, True)], 100) == [Decision(2, Outcome.CHARGED, 100)]


def test_free_products_renew_without_a_posting() -> None:
    assert rules.decide([Due(1, BASE, 0, False), Due(2, ADDON, 300, False)], -500) == [
        Decision(1, Outcome.FREE, 0),
        Decision(2, Outcome.FREE, 0),
    ]


@pytest.mark.parametrize(
    ("price", "terms", "starts", "fee"),
    [
        (8800, FirstMonth.FULL, datetime(2027, 1, 20, 15, tzinfo=BJ), 8800),
        (8800, FirstMonth.PRORATED, datetime(2027, 1, 1, 0, 0, tzinfo=BJ), 8800),
        # 12 of January's 31 days (20th..31st): 8800 * 12 / 31 = 3406.45 -> 3406
        (8800, FirstMonth.PRORATED, datetime(2027, 1, 20, 23, 59, tzinfo=BJ), 3406),
        # the last day of a leap February: 8800 / 29 = 303.45 -> 303
        (8800, FirstMonth.PRORATED, datetime(2028, 2, 29, 10, tzinfo=BJ), 303),
        # 2000 * 15 / 30 = 1000 exactly (16th..30th of November)
        (2000, FirstMonth.PRORATED, datetime(2026, 11, 16, tzinfo=BJ), 1000),
        # the last day of January: 100 / 31 = 3.23 -> 3
        (100, FirstMonth.PRORATED, datetime(2027, 1, 31, tzinfo=BJ), 3),
        (0, FirstMonth.PRORATED, datetime(2027, 1, 20, tzinfo=BJ), 0),
        # 16:30 UTC on 31 Dec is 1 Jan in Beijing: a whole January
        (8800, FirstMonth.PRORATED, datetime.fromisoformat("2026-12-31T16:30:00+00:00"), 8800),
    ],
)
def test_first_month_fee(price: int, terms: FirstMonth, starts: datetime, fee: int) -> None:
    assert rules.first_month_fee(price, terms, starts) == fee


def test_prorated_rounds_half_up() -> None:
    # the last day of a 30-day month: 45 / 30 = 1.5 -> 2
    assert rules.first_month_fee(45, FirstMonth.PRORATED, datetime(2026, 11, 30, tzinfo=BJ)) == 2


_dues = st.lists(
    st.builds(
        Due,
        subscription_id=st.integers(1, 10_000),
        kind=st.sampled_from(list(ProductKind)),
        price_fen=st.integers(0, 50_000),
        charged=st.booleans(),
    ),
    max_size=6,
    unique_by=lambda d: d.subscription_id,
)


@given(line=_dues, balance=st.integers(-10_000, 200_000))
def test_a_covered_line_is_charged_in_full(line: list[Due], balance: int) -> None:
    """The set-based path of the cycle relies on this: where `covers` holds, `decide`
    charges every fee, nothing lapses and the balance stays above zero."""
    fees = [d.price_fen if d.charged else 0 for d in line]
    decided = rules.decide(line, balance)
    charged = sum(d.fee_fen for d in decided)
    if rules.covers(balance, fees):
        assert all(d.outcome is not Outcome.LAPSED for d in decided)
        assert charged == sum(fees)
        assert balance - charged > 0
    else:
        assert balance - sum(fees) <= 0
