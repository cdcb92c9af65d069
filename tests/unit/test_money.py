from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from telcare.domain.errors import InsufficientFunds, InvalidAmount
from telcare.domain.ledger import EntryKind, apply_delta, barring_after, signed_amount
from telcare.domain.money import (
    MAX_OPERATION_FEN,
    fen_to_yuan,
    require_amount,
    round_fen,
    yuan_to_fen,
)


@pytest.mark.parametrize("fen", [1, 2, MAX_OPERATION_FEN - 1, MAX_OPERATION_FEN])
def test_amounts_inside_the_bounds_are_accepted(fen: int) -> None:
    assert require_amount(fen) == fen


@pytest.mark.parametrize(
    "bad",
    [0, -1, -MAX_OPERATION_FEN, MAX_OPERATION_FEN + 1, 1.0, 0.01, True, "100", None, Decimal("1")],
)
def test_non_positive_non_integer_or_huge_amounts_are_refused(bad: object) -> None:
    with pytest.raises(InvalidAmount):
        require_amount(bad)


@pytest.mark.parametrize(
    ("yuan", "fen"),
    [
        ("0.01", 1),
        ("0.1", 10),
        ("30", 3000),
        ("100.00", 10000),
        (" 0.50 ", 50),
        (Decimal("1.5"), 150),
        (7, 700),
        ("100000.00", 10_000_000),
        ("-0.01", -1),
    ],
)
def test_yuan_parse_exactly(yuan: str | Decimal | int, fen: int) -> None:
    assert yuan_to_fen(yuan) == fen


@pytest.mark.parametrize("bad", ["0.005", "1.001", "abc", "", "NaN", "Infinity", 0.1, 1.0])
def test_yuan_parse_refuses_sub_fen_floats_and_junk(bad: object) -> None:
    with pytest.raises(InvalidAmount):
        yuan_to_fen(bad)  # type: ignore[arg-type]


def test_float_arithmetic_would_be_wrong_but_fen_is_exact() -> None:
    # 0.1 + 0.2 yuan is 30 fen exactly; float yuan would give 0.30000000000000004.
    assert yuan_to_fen("0.1") + yuan_to_fen("0.2") == yuan_to_fen("0.3") == 30
    # ten 0.01-yuan/KB records of 1 KB sum to exactly 10 fen
    assert sum(yuan_to_fen("0.01") for _ in range(10)) == 10


@pytest.mark.parametrize(
    ("fen", "shown"),
    [
        (0, "0.00"),
        (1, "0.01"),
        (-5, "-0.05"),
        (10000, "100.00"),
        (123456789, "1234567.89"),
        (-100, "-1.00"),
    ],
)
def test_fen_shown_as_yuan(fen: int, shown: str) -> None:
    assert fen_to_yuan(fen) == shown


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_show_then_parse_round_trips(fen: int) -> None:
    assert yuan_to_fen(fen_to_yuan(fen)) == fen


@pytest.mark.parametrize(
    ("exact", "fen"), [("0.4999", 0), ("0.5", 1), ("1.5", 2), ("2.4999999", 2), ("-0.5", -1)]
)
def test_fractional_fen_round_half_up_once(exact: str, fen: int) -> None:
    assert round_fen(Decimal(exact)) == fen


def test_ledger_signs_by_kind() -> None:
    assert signed_amount(EntryKind.RECHARGE, 500) == 500
    assert signed_amount(EntryKind.CHARGE, 500) == -500
    assert signed_amount(EntryKind.REFUND, 1) == 1
    assert signed_amount(EntryKind.ADJUSTMENT, 7, credit=False) == -7
    with pytest.raises(InvalidAmount):
        signed_amount(EntryKind.ADJUSTMENT, 7)
    with pytest.raises(InvalidAmount):
        signed_amount(EntryKind.CHARGE, -500)


def test_debit_cannot_overdraw_unless_allowed() -> None:
    assert apply_delta(100, -100) == 0
    with pytest.raises(InsufficientFunds):
        apply_delta(100, -101)
    assert apply_delta(100, -101, allow_negative=True) == -1
    assert apply_delta(-50, 20) == -30  # a credit is always allowed


@pytest.mark.parametrize(
    ("balance", "pending", "may_mark", "after"),
    [
        (1, True, False, False),  # a recharge above zero lifts the mark
        (1, False, True, False),  # above zero nothing is marked
        (0, False, True, True),  # usage that reaches zero marks
        (-5, False, False, False),  # a posting that may not mark leaves it unmarked
        (-5, True, False, True),  # ... and a marked account marked
        (0, True, True, True),
    ],
)
def test_barring_mark_after_a_posting(
    balance: int, pending: bool, may_mark: bool, after: bool
) -> None:
    assert barring_after(balance, pending, may_mark=may_mark) is after
