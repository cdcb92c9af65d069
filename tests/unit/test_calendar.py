"""China's calendar: the 2026 National Day week, make-up working days, the operator's overrides."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from telcare.domain.calendar import (
    HolidayCalendar,
    holiday_name,
    is_holiday,
    is_working_day,
    with_overrides,
)
from telcare.domain.complaints import Severity
from telcare.domain.sla import BEIJING, BusinessCalendar
from telcare.services.calendar import china, load_calendar, read_overrides, sla_table
from telcare.services.complaints.taxonomies import DEFAULT_TAXONOMY

CN = china(range(2025, 2028))


def bj(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BEIJING)


@pytest.mark.parametrize(
    ("day", "working", "holiday"),
    [
        ("2026-09-18", True, False),  # Friday
        ("2026-09-19", False, False),  # ordinary Saturday
        ("2026-09-20", True, False),  # Sunday worked in lieu of 10-06
        ("2026-09-25", False, True),  # Mid-Autumn Festival, a Friday
        ("2026-09-30", True, False),
        ("2026-10-01", False, True),  # National Day
        ("2026-10-03", False, True),  # National Day on a Saturday
        ("2026-10-04", False, True),  # Sunday inside the break: listed by no one, still holiday
        ("2026-10-05", False, True),
        ("2026-10-07", False, True),  # day off in lieu of 10-10
        ("2026-10-08", True, False),  # back to work, a Thursday
        ("2026-10-10", True, False),  # Saturday worked in lieu of 10-07
        ("2026-10-11", False, False),  # ordinary Sunday
    ],
)
def test_national_day_week_2026(day: str, working: bool, holiday: bool) -> None:
    d = date.fromisoformat(day)
    assert is_working_day(d, CN) is working
    assert is_holiday(d, CN) is holiday


def test_names_come_from_the_package() -> None:
    assert holiday_name(date(2026, 10, 1), CN) == "National Day"
    assert holiday_name(date(2026, 10, 8), CN) is None


def test_ticket_filed_before_golden_week_is_due_after_it() -> None:
    """A ticket filed on 2026-09-30 (five working days) is due after the National Day week,
    and the Saturday worked in lieu counts."""
    table = sla_table()
    path = DEFAULT_TAXONOMY.path("NET.COV.INDOOR")
    d = table.deadlines(path, Severity.NORMAL, bj("2026-09-30 17:00"))
    # 27 h of NET resolution: 1 h on 09-30, 9.5 h on 10-08 and 10-09, 7 h on Saturday 10-10
    assert d.respond_by == bj("2026-10-08 11:30")
    assert d.resolve_by == bj("2026-10-10 15:30")
    assert table.calendar.between(bj("2026-10-09 18:00"), bj("2026-10-10 18:00")) == timedelta(
        hours=9.5
    )


def test_overrides_file_adds_days_off_and_workdays(tmp_path: Path) -> None:
    f = tmp_path / "cal.yaml"
    f.write_text("days_off:\n  2026-12-31: 年终盘点\nworkdays:\n  - 2026-10-07\n", "utf-8")
    cal = load_calendar(f, range(2026, 2027))
    assert not is_working_day(date(2026, 12, 31), cal)
    assert holiday_name(date(2026, 12, 31), cal) == "年终盘点"
    assert is_working_day(date(2026, 10, 7), cal) and not is_holiday(date(2026, 10, 7), cal)
    assert is_holiday(date(2026, 10, 6), cal)


def test_packaged_overrides_change_nothing() -> None:
    assert load_calendar(None, range(2026, 2027)) == china(range(2026, 2027))


@pytest.mark.parametrize(
    "text",
    ["- 2026-01-01\n", "days_off: [2026-01-01]\n", "workdays: [tomorrow]\n", "holidays: {}\n"],
)
def test_malformed_overrides_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="calendar overrides"):
        read_overrides(text)


def test_a_day_cannot_be_both_off_and_worked() -> None:
    with pytest.raises(ValueError, match="both"):
        with_overrides(CN, days_off={date(2026, 1, 5): "x"}, workdays=[date(2026, 1, 5)])


@given(st.dates(date(2025, 1, 1), date(2027, 12, 31)))
def test_the_rules_agree(day: date) -> None:
    """A holiday is never worked; a plain weekday off a listed holiday is worked; the
    business calendar the SLAs use agrees with the domain calendar."""
    assert not (is_holiday(day, CN) and is_working_day(day, CN))
    plain = HolidayCalendar()
    assert is_working_day(day, plain) is (day.weekday() < 5)
    assert not is_holiday(day, plain)
    assert BusinessCalendar.of(CN).is_working_day(day) is is_working_day(day, CN)
