"""domain/inputs.py: control characters, days and months from outside."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from telcare.domain.errors import InvalidInput
from telcare.domain.inputs import check_day, check_month, check_plain, has_control


def test_control_characters() -> None:
    assert has_control("a\x00b") and has_control("\x1b[0m") and has_control("x\x7f")
    assert has_control("a\nb") and not has_control("a\nb\r\n\tc", multiline=True)
    assert has_control("a\x00b", multiline=True)
    assert check_plain("家里没信号 ok") == "家里没信号 ok"
    with pytest.raises(InvalidInput):
        check_plain("\x00")


@given(st.text())
def test_check_plain_refuses_exactly_the_control_characters(text: str) -> None:
    bad = any(ord(c) < 0x20 or c == "\x7f" for c in text)
    assert has_control(text) is bad


def test_days_and_months_in_range() -> None:
    assert check_day(date(2000, 1, 1)) == date(2000, 1, 1)
    for day in (date(1, 1, 1), date(9999, 12, 31), date(1999, 12, 31), date(2101, 1, 1)):
        with pytest.raises(InvalidInput):
            check_day(day)
    assert check_month("2026-12") == (2026, 12)
    assert check_month("2027-01", latest="2027-01") == (2027, 1)
    for month in ("9999-12", "0001-01", "2026-13", "2026-00", "2026-1", "２０２６-01", "2028-01"):
        with pytest.raises(InvalidInput):
            check_month(month, latest="2027-12")
