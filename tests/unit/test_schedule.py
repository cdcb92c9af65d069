"""Periodic job rules: period keys, due times, catch-up after downtime, the next run."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from telcare.domain import schedule
from telcare.domain.schedule import Cadence, JobSpec
from telcare.domain.subscriptions import OPERATOR_TZ

BJ = OPERATOR_TZ
MONTHLY = JobSpec("renewals", Cadence.MONTHLY, catch_up=True)
DAILY_1AM = JobSpec("accrual", Cadence.DAILY, timedelta(hours=1))
YEARLY = JobSpec("expiry", Cadence.YEARLY, timedelta(hours=2))


@pytest.mark.parametrize(
    ("cadence", "when", "key"),
    [
        (Cadence.HOURLY, datetime(2027, 1, 1, 0, 5, tzinfo=BJ), "2027-01-01T00"),
        (Cadence.DAILY, datetime(2026, 12, 31, 16, 5, tzinfo=OPERATOR_TZ), "2026-12-31"),
        # 2026-12-31 16:30 UTC is 2027-01-01 00:30 in Beijing: January already
        (Cadence.MONTHLY, datetime.fromisoformat("2026-12-31T16:30:00+00:00"), "2027-01"),
        (Cadence.YEARLY, datetime.fromisoformat("2026-12-31T16:30:00+00:00"), "2027"),
        (Cadence.DAILY, datetime(2028, 2, 29, 23, 59, tzinfo=BJ), "2028-02-29"),
    ],
)
def test_period_keys_are_beijing_calendar(cadence: Cadence, when: datetime, key: str) -> None:
    assert schedule.period_key(cadence, when) == key


def test_next_and_previous_keys() -> None:
    assert schedule.next_key(Cadence.MONTHLY, "2026-12") == "2027-01"
    assert schedule.previous_key(Cadence.MONTHLY, "2027-01") == "2026-12"
    assert schedule.next_key(Cadence.DAILY, "2028-02-28") == "2028-02-29"
    assert schedule.next_key(Cadence.HOURLY, "2026-12-31T23") == "2027-01-01T00"
    assert schedule.next_key(Cadence.YEARLY, "2027") == "2028"


def test_a_period_is_due_only_after_its_offset() -> None:
    at_0030 = datetime(2027, 1, 1, 0, 30, tzinfo=BJ)
    assert schedule.latest_due(DAILY_1AM, at_0030) == "2026-12-31"  # today's is due at 01:00
    assert schedule.latest_due(DAILY_1AM, at_0030 + timedelta(minutes=30)) == "2027-01-01"
    assert schedule.latest_due(MONTHLY, datetime(2027, 1, 1, 0, 0, tzinfo=BJ)) == "2027-01"
    assert schedule.latest_due(YEARLY, at_0030) == "2026"


def test_once_per_period() -> None:
    now = datetime(2027, 1, 1, 0, 5, tzinfo=BJ)
    assert schedule.due_periods(MONTHLY, now, None) == ["2027-01"]
    assert schedule.due_periods(MONTHLY, now, "2027-01") == []
    assert schedule.due_periods(MONTHLY, now + timedelta(days=20), "2027-01") == []


def test_a_new_job_starts_with_the_current_period_once_due() -> None:
    at_0030 = datetime(2027, 1, 1, 0, 30, tzinfo=BJ)
    assert schedule.due_periods(DAILY_1AM, at_0030, None) == []  # not yesterday's
    assert schedule.next_run(DAILY_1AM, at_0030, None) == datetime(2027, 1, 1, 1, tzinfo=BJ)
    assert schedule.due_periods(DAILY_1AM, at_0030 + timedelta(hours=1), None) == ["2027-01-01"]


def test_catch_up_runs_every_missed_month_oldest_first() -> None:
    back = datetime(2027, 3, 2, 9, 0, tzinfo=BJ)  # down since before 2027-01-01
    assert schedule.due_periods(MONTHLY, back, "2026-12") == ["2027-01", "2027-02", "2027-03"]


def test_no_catch_up_runs_only_the_latest() -> None:
    back = datetime(2027, 1, 5, 9, 0, tzinfo=BJ)
    assert schedule.due_periods(DAILY_1AM, back, "2027-01-01") == ["2027-01-05"]


def test_next_run() -> None:
    now = datetime(2027, 1, 1, 0, 5, tzinfo=BJ)
    assert schedule.next_run(MONTHLY, now, None) == now  # due now
    assert schedule.next_run(MONTHLY, now, "2027-01") == datetime(2027, 2, 1, tzinfo=BJ)
    assert schedule.next_run(DAILY_1AM, now, "2026-12-31") == datetime(2027, 1, 1, 1, tzinfo=BJ)


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
    st.sampled_from(list(Cadence)),
)
def test_a_key_contains_its_instant(naive: datetime, cadence: Cadence) -> None:
    when = naive.replace(tzinfo=BJ)
    key = schedule.period_key(cadence, when)
    start = schedule.period_start(cadence, key)
    assert start <= when < schedule.period_start(cadence, schedule.next_key(cadence, key))
    assert schedule.previous_key(cadence, schedule.next_key(cadence, key)) == key
