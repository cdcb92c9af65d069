"""Complaint SLAs: targets per category and severity, business hours, escalation.

Pure rules. A target is looked up by the most specific category on the ticket's
path (leaf before its parents, an exact severity before "any"), counted in
business hours when the rule says so (Beijing time, working days, public holidays
and make-up working days), halved for the G3 green channel, and breached targets
escalate: to the province's next level first, then to headquarters.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from telcare.domain.calendar import HolidayCalendar
from telcare.domain.complaints import Category, Severity, Status

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
ZERO = timedelta(0)
G3_FACTOR = 0.5
HQ_AFTER = 0.5  # resolution overdue by this share of its target: escalate to headquarters
_MAX_DAYS = 3660


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    """Working hours ``opens``–``closes`` on ``workdays`` (0 = Monday), Beijing time,
    less ``holidays``, plus ``extra_workdays`` (weekend days worked in lieu)."""

    opens: time = time(8, 30)
    closes: time = time(18, 0)
    workdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    holidays: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()
    tz: timezone = BEIJING

    @classmethod
    def of(
        cls, calendar: HolidayCalendar, opens: time = time(8, 30), closes: time = time(18, 0)
    ) -> BusinessCalendar:
        """Working hours over China's calendar (:mod:`telcare.domain.calendar`)."""
        return cls(
            opens,
            closes,
            frozenset(range(7)) - calendar.weekend,
            frozenset(calendar.days_off),
            calendar.workdays,
        )

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_workdays:
            return True
        return day.weekday() in self.workdays and day not in self.holidays

    def _window(self, day: date) -> tuple[datetime, datetime] | None:
        if not self.is_working_day(day):
            return None
        return (
            datetime.combine(day, self.opens, self.tz),
            datetime.combine(day, self.closes, self.tz),
        )

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant ``duration`` of business time after ``start``."""
        t = start.astimezone(self.tz)
        left = duration
        day = t.date()
        for _ in range(_MAX_DAYS):
            window = self._window(day)
            if window is not None:
                begin = max(t, window[0])
                if begin < window[1]:
                    available = window[1] - begin
                    if left <= available:
                        return (begin + left).astimezone(start.tzinfo)
                    left -= available
            day += timedelta(days=1)
            t = datetime.combine(day, time(0), self.tz)
        raise ValueError("no business time within ten years")

    def between(self, a: datetime, b: datetime) -> timedelta:
        """Business time from ``a`` to ``b`` (negative when ``b`` is before ``a``)."""
        if b < a:
            return -self.between(b, a)
        total = ZERO
        day = a.astimezone(self.tz).date()
        last = b.astimezone(self.tz).date()
        while day <= last:
            window = self._window(day)
            if window is not None:
                begin, end = max(a, window[0]), min(b, window[1])
                if end > begin:
                    total += end - begin
            day += timedelta(days=1)
        return total


@dataclass(frozen=True, slots=True)
class SlaRule:
    """Targets for a category (its code or an ancestor's; ``""`` for any) and a
    severity (None for any). ``business_hours`` counts only working time."""

    category: str
    severity: Severity | None
    first_response: timedelta
    resolution: timedelta
    business_hours: bool = True

    def specificity(self, path: Sequence[Category]) -> float | None:
        codes = [c.code for c in path]
        if self.category and self.category not in codes:
            return None
        depth = codes.index(self.category) + 1 if self.category else 0
        return depth + (0.5 if self.severity is not None else 0.0)


@dataclass(frozen=True, slots=True)
class Deadlines:
    respond_by: datetime
    resolve_by: datetime
    business_hours: bool
    resolution: timedelta


class Level(enum.IntEnum):
    FRONT_LINE = 0
    PROVINCE = 1
    HEADQUARTERS = 2


@dataclass(frozen=True, slots=True)
class SlaTable:
    rules: tuple[SlaRule, ...]
    calendar: BusinessCalendar = field(default_factory=BusinessCalendar)

    def rule(self, path: Sequence[Category], severity: Severity) -> SlaRule:
        """The most specific rule for the category path and severity."""
        best: tuple[float, SlaRule] | None = None
        for rule in self.rules:
            if rule.severity is not None and rule.severity != severity:
                continue
            score = rule.specificity(path)
            if score is not None and (best is None or score > best[0]):
                best = (score, rule)
        if best is None:
            raise LookupError("no SLA rule matches; add a default rule")
        return best[1]

    def deadlines(
        self, path: Sequence[Category], severity: Severity, filed_at: datetime, *, g3: bool = False
    ) -> Deadlines:
        """First-response and resolution deadlines for a ticket filed at ``filed_at``."""
        rule = self.rule(path, severity)
        factor = G3_FACTOR if g3 else 1.0
        respond, resolve = rule.first_response * factor, rule.resolution * factor
        if rule.business_hours:
            respond_by = self.calendar.add(filed_at, respond)
            resolve_by = self.calendar.add(filed_at, resolve)
        else:
            respond_by, resolve_by = filed_at + respond, filed_at + resolve
        return Deadlines(respond_by, resolve_by, rule.business_hours, resolve)

    def remaining(self, deadlines: Deadlines, deadline: datetime, now: datetime) -> timedelta:
        """Time left before ``deadline`` (negative when overdue), business time if so ruled."""
        if deadlines.business_hours:
            return self.calendar.between(now, deadline)
        return deadline - now

    def escalation(
        self,
        deadlines: Deadlines,
        status: Status,
        now: datetime,
        *,
        responded: bool,
        major: bool = False,
        severity: Severity = Severity.NORMAL,
    ) -> Level:
        """Where a ticket should sit now: a missed first response or resolution goes
        up one level; a resolution overdue by half its target, or any breach of a major
        or critical complaint, goes to headquarters."""
        if status in (Status.RESOLVED, Status.CLOSED):
            return Level.FRONT_LINE
        late_response = not responded and now > deadlines.respond_by
        late_resolution = now > deadlines.resolve_by
        if not (late_response or late_resolution):
            return Level.FRONT_LINE
        if major or severity is Severity.CRITICAL:
            return Level.HEADQUARTERS
        if late_resolution:
            overdue = -self.remaining(deadlines, deadlines.resolve_by, now)
            if overdue >= deadlines.resolution * HQ_AFTER:
                return Level.HEADQUARTERS
        return Level.PROVINCE


def _h(hours: float) -> timedelta:
    return timedelta(hours=hours)


def default_rules() -> Iterable[SlaRule]:
    yield SlaRule("", None, _h(8), _h(45))  # five working days
    yield SlaRule("", Severity.HIGH, _h(4), _h(18))
    yield SlaRule("", Severity.CRITICAL, _h(1), _h(8), business_hours=False)
    yield SlaRule("NET", None, _h(4), _h(27))
    yield SlaRule("NET", Severity.CRITICAL, _h(0.5), _h(4), business_hours=False)
    yield SlaRule("BIL.DISPUTE", None, _h(2), _h(18))
    yield SlaRule("VAS.UNCONFIRMED", None, _h(2), _h(9))  # refund within one working day


DEFAULT_SLA = SlaTable(tuple(default_rules()))
"""The default targets over weekdays only; services use them over China's calendar
(``telcare.services.calendar.sla_table()``)."""
