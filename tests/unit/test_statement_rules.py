"""Statement rules: every entry under one heading; the totals equal the ledger."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from telcare.domain import statements as rules
from telcare.domain.statements import Heading

KINDS = st.sampled_from(["recharge", "charge", "refund", "adjustment"])
REFS = st.sampled_from([None, "usage:3:2027-01-02", "renewal:1:2027-01", "G3YH", "card:1"])


def test_headings() -> None:
    assert rules.heading("charge", "usage:7:2027-01-05") is Heading.USAGE
    assert rules.heading("charge", "renewal:1:2027-01") is Heading.FEES
    assert rules.heading("charge", "G3YH") is Heading.FEES
    assert rules.heading("charge", None) is Heading.FEES
    assert rules.heading("recharge", "usage:x") is Heading.RECHARGES
    assert rules.heading("refund", None) is Heading.REFUNDS
    assert rules.heading("adjustment", None) is Heading.ADJUSTMENTS


def test_new_year_hand_checked() -> None:
    t = rules.totals(
        9900, [("charge", "renewal:1:2027-01", -8800), ("charge", "renewal:5:2027-01", -100)]
    )
    assert (t.opening_fen, t.fees_fen, t.usage_fen, t.closing_fen) == (9900, 8900, 0, 1000)
    assert t.balanced


@given(st.integers(-(10**9), 10**9), st.lists(st.tuples(KINDS, REFS, st.integers(-(10**6), 10**6))))
def test_totals_always_equal_the_ledger(
    opening: int, entries: list[tuple[str, str | None, int]]
) -> None:
    t = rules.totals(opening, entries)
    assert t.closing_fen == opening + sum(a for _, _, a in entries)
    assert t.balanced
