"""Operator-time helpers the loyalty modules share: now, a moment's local day, a day's start."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from telcare import clock
from telcare.domain.subscriptions import OPERATOR_TZ


def _now(now: datetime | None) -> datetime:
    return now or clock.now()


def _local_day(when: datetime) -> date:
    return when.astimezone(OPERATOR_TZ).date()


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=OPERATOR_TZ).astimezone(UTC)
