"""The operator's working calendar: China's holidays (``holidays``) plus the operator's overrides.

The State Council publishes each year's arrangement (public holidays, days off in lieu and
make-up working days, 调休) in November; the ``holidays`` package carries it, so keeping
the package up to date keeps the calendar true. The operator adds its own days off or
working days, or a year the package does not know yet, in a YAML file
(``TELCARE_CALENDAR_FILE``; the packaged ``calendar_data/overrides.yaml`` when unset)::

    days_off:            # extra days off, with their names
      2026-12-31: 年终盘点
    workdays:            # extra working days (also: a listed day off that is worked)
      - 2027-01-09

The rules over the calendar are pure, in :mod:`telcare.domain.calendar`.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from telcare.config import get_settings
from telcare.domain.calendar import HolidayCalendar, with_overrides
from telcare.domain.sla import DEFAULT_SLA, BusinessCalendar, SlaTable

YEARS = range(2000, 2051)


def china(years: range = YEARS) -> HolidayCalendar:
    """China's public holidays, days off in lieu and make-up working days over ``years``."""
    from holidays.countries.china import China  # heavy (every country): only when needed

    cn = China(years=years)
    days_off = {d: str(name) for d, name in cn.items()}
    workdays = frozenset(d for d in cn.weekend_workdays if d.year in years)
    return HolidayCalendar(days_off, workdays)


def read_overrides(text: str) -> tuple[dict[date, str], list[date]]:
    """The ``days_off`` and ``workdays`` of an overrides file; ValueError when malformed."""
    data: Any = yaml.safe_load(text) or {}
    if not isinstance(data, dict) or set(data) - {"days_off", "workdays"}:
        raise ValueError("calendar overrides: expected the keys days_off and workdays")
    off = data.get("days_off") or {}
    work = data.get("workdays") or []
    if not isinstance(off, dict) or not isinstance(work, list):
        raise ValueError("calendar overrides: days_off is a mapping, workdays a list")
    for d in [*off, *work]:
        if not isinstance(d, date):
            raise ValueError(f"calendar overrides: not a date (YYYY-MM-DD): {d!r}")
    return {d: str(n) for d, n in off.items()}, list(work)


def load_calendar(overrides: Path | None = None, years: range = YEARS) -> HolidayCalendar:
    """China's calendar with the overrides file (the packaged one when ``overrides`` is None)."""
    if overrides is None:
        packaged = resources.files("telcare.services").joinpath("calendar_data/overrides.yaml")
        text = packaged.read_text(encoding="utf-8")
    else:
        text = overrides.read_text(encoding="utf-8")
    days_off, workdays = read_overrides(text)
    return with_overrides(china(years), days_off=days_off, workdays=workdays)


@lru_cache
def operator_calendar() -> HolidayCalendar:
    """The calendar of this node (cached: loaded once per process)."""
    return load_calendar(get_settings().calendar_file)


@lru_cache
def sla_table() -> SlaTable:
    """The default SLA targets over the operator's calendar."""
    return SlaTable(DEFAULT_SLA.rules, BusinessCalendar.of(operator_calendar()))
