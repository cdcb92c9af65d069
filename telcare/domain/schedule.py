"""Periodic job rules: periods in Beijing time, when each falls due, what a run catches up.

A job runs once per *period* (an hour, a day, a month or a year of the operator's
calendar), named by a sortable key: ``2027-01-01T08``, ``2027-01-01``, ``2027-01``,
``2027``. A period falls due ``offset`` after it starts (the monthly renewals at
00:00 on the 1st, the points accrual at 01:00 each day). After downtime a
catch-up job runs every period it missed, oldest first; any other job runs only
the latest one due. A job that never ran starts with the current period, when it
falls due (it does not go back to the period before).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from telcare.domain.messages import render
from telcare.domain.subscriptions import OPERATOR_TZ

MAX_CATCH_UP = 36  # periods: three years of months


class Cadence(enum.StrEnum):
    HOURLY = "hourly"
    DAILY = "daily"
    MONTHLY = "monthly"
    YEARLY = "yearly"


@dataclass(frozen=True, slots=True)
class JobSpec:
    """A periodic job: its name, cadence, delay after the period starts, catch-up."""

    name: str
    cadence: Cadence
    offset: timedelta = timedelta(0)
    catch_up: bool = False

    def title(self, lang: str) -> str:
        """The job's name for people: ``job.<name>`` in the catalogs (text_families.JOBS)."""
        return render(f"job.{self.name}", lang)


def period_key(cadence: Cadence, when: datetime) -> str:
    """The key of the period of ``cadence`` that contains ``when``."""
    local = when.astimezone(OPERATOR_TZ)
    if cadence is Cadence.HOURLY:
        return local.strftime("%Y-%m-%dT%H")
    if cadence is Cadence.DAILY:
        return local.strftime("%Y-%m-%d")
    if cadence is Cadence.MONTHLY:
        return local.strftime("%Y-%m")
    return local.strftime("%Y")


def period_start(cadence: Cadence, key: str) -> datetime:
    """The first instant of the period ``key`` (Beijing time)."""
    if cadence is Cadence.HOURLY:
        day, hour = key.split("T")
        return datetime.combine(date.fromisoformat(day), datetime.min.time(), OPERATOR_TZ).replace(
            hour=int(hour)
        )
    if cadence is Cadence.DAILY:
        return datetime.combine(date.fromisoformat(key), datetime.min.time(), OPERATOR_TZ)
    if cadence is Cadence.MONTHLY:
        year, month = key.split("-")
        return datetime(int(year), int(month), 1, tzinfo=OPERATOR_TZ)
    return datetime(int(key), 1, 1, tzinfo=OPERATOR_TZ)


def next_key(cadence: Cadence, key: str) -> str:
    """The key of the period after ``key``."""
    start = period_start(cadence, key)
    if cadence is Cadence.HOURLY:
        return period_key(cadence, start + timedelta(hours=1))
    if cadence is Cadence.DAILY:
        return period_key(cadence, start + timedelta(days=1))
    if cadence is Cadence.MONTHLY:
        return period_key(cadence, start + timedelta(days=32))
    return str(int(key) + 1)


def previous_key(cadence: Cadence, key: str) -> str:
    """The key of the period before ``key``."""
    return period_key(cadence, period_start(cadence, key) - timedelta(seconds=1))


def due_at(spec: JobSpec, key: str) -> datetime:
    """When the period ``key`` of ``spec`` falls due."""
    return period_start(spec.cadence, key) + spec.offset


def latest_due(spec: JobSpec, now: datetime) -> str:
    """The latest period of ``spec`` due at ``now``."""
    key = period_key(spec.cadence, now - spec.offset)
    return key if due_at(spec, key) <= now else previous_key(spec.cadence, key)


def due_periods(spec: JobSpec, now: datetime, last_done: str | None) -> list[str]:
    """The periods a run at ``now`` should do, oldest first, after ``last_done``."""
    latest = latest_due(spec, now)
    if last_done is None:  # a new job starts with the current period, once it is due
        return [latest] if latest == period_key(spec.cadence, now) else []
    if last_done >= latest:
        return []
    if not spec.catch_up:
        return [latest]
    keys = []
    key = next_key(spec.cadence, last_done)
    while key <= latest:
        keys.append(key)
        key = next_key(spec.cadence, key)
    return keys[-MAX_CATCH_UP:]


def next_run(spec: JobSpec, now: datetime, last_done: str | None) -> datetime:
    """When the job should next run: ``now`` if a period is due, else the next due time."""
    if due_periods(spec, now, last_done):
        return now
    return due_at(spec, next_key(spec.cadence, latest_due(spec, now)))


def month_of(when: datetime) -> str:
    """The operator-calendar month (``YYYY-MM``) of ``when``."""
    return period_key(Cadence.MONTHLY, when)
