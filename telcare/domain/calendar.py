"""China's working calendar: public holidays, days off in lieu and make-up working days (调休).

Pure rules over data passed in. The State Council's yearly arrangement comes from the
``holidays`` package and the operator's own overrides from a data file; both are read by
:mod:`telcare.services.calendar`, which hands a :class:`HolidayCalendar` to the rules here.

- :func:`is_working_day`: a make-up working day is worked even on a weekend; a day off
  (a holiday or a day off in lieu) is not, even on a weekday; otherwise Monday–Friday.
- :func:`is_holiday`: the day lies in a holiday break (节假日), e.g. every day of the
  National Day week 10-01…10-07, weekend days inside the break included; an ordinary
  weekend is not a holiday. This is what holiday terms of a tariff (非常假期) ask.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

WEEKEND: frozenset[int] = frozenset({5, 6})  # Saturday, Sunday (date.weekday())
_LONGEST_BREAK = 15  # days: no run of rest days is longer (Spring Festival is 8–9)


@dataclass(frozen=True, slots=True)
class HolidayCalendar:
    """Days off for holidays (with their names) and make-up working days."""

    days_off: Mapping[date, str] = field(default_factory=dict)
    """Public holidays and days off in lieu, by name (``"National Day"``, ``"公司年会"``)."""
    workdays: frozenset[date] = frozenset()
    """Make-up working days: weekend days worked in lieu (调休上班)."""
    weekend: frozenset[int] = WEEKEND

    def __hash__(self) -> int:
        return hash((frozenset(self.days_off), self.workdays, self.weekend))


def is_working_day(day: date, calendar: HolidayCalendar) -> bool:
    """True when ``day`` is worked: a make-up working day, or a weekday that is not a day off."""
    if day in calendar.workdays:
        return True
    return day.weekday() not in calendar.weekend and day not in calendar.days_off


def is_holiday(day: date, calendar: HolidayCalendar) -> bool:
    """True when ``day`` is in a holiday break: a public holiday, a day off in lieu, or a
    rest day in the same unbroken run of rest days as one (Golden Week's weekend).
    A make-up working day and an ordinary weekend are not holidays."""
    if day in calendar.days_off:
        return True
    if is_working_day(day, calendar):
        return False
    for step in (timedelta(days=-1), timedelta(days=1)):
        other = day + step
        for _ in range(_LONGEST_BREAK):
            if other in calendar.days_off:
                return True
            if is_working_day(other, calendar):
                break
            other += step
    return False


def holiday_name(day: date, calendar: HolidayCalendar) -> str | None:
    """The name of the day off ``day``, or None when it is not a listed day off."""
    return calendar.days_off.get(day)


def with_overrides(
    base: HolidayCalendar,
    *,
    days_off: Mapping[date, str] | None = None,
    workdays: Iterable[date] = (),
) -> HolidayCalendar:
    """``base`` with the operator's overrides: extra ``days_off`` (no longer worked) and extra
    ``workdays`` (worked, no longer days off). An override wins over the base."""
    extra_off = dict(days_off or {})
    extra_work = frozenset(workdays)
    if clash := extra_work & set(extra_off):
        raise ValueError(f"both a day off and a working day: {sorted(clash)}")
    off = {d: n for d, n in base.days_off.items() if d not in extra_work}
    off.update(extra_off)
    work = (base.workdays - set(extra_off)) | extra_work
    return HolidayCalendar(off, work, base.weekend)
