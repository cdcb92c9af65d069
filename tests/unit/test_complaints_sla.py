"""The SLA engine over a simulated calendar: business hours, holidays, make-up days, escalation."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from telcare.domain.complaints import Severity, Status
from telcare.domain.sla import (
    BEIJING,
    DEFAULT_SLA,
    BusinessCalendar,
    Level,
    SlaTable,
)
from telcare.services.complaints.taxonomies import DEFAULT_TAXONOMY

GOLDEN_WEEK = frozenset(date(2026, 10, d) for d in range(1, 8))
CALENDAR = BusinessCalendar(holidays=GOLDEN_WEEK, extra_workdays=frozenset({date(2026, 10, 10)}))
TABLE = SlaTable(DEFAULT_SLA.rules, CALENDAR)


def bj(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BEIJING)


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        ("2026-11-25 10:00", 2, "2026-11-25 12:00"),  # Wednesday, inside the day
        ("2026-11-25 07:00", 1, "2026-11-25 09:30"),  # before opening
        ("2026-11-25 08:30", 9.5, "2026-11-25 18:00"),  # exactly one working day
        ("2026-11-25 19:00", 1, "2026-11-26 09:30"),  # after closing
        ("2026-11-27 17:30", 2, "2026-11-30 10:00"),  # Friday evening → Monday
        ("2026-11-28 12:00", 1, "2026-11-30 09:30"),  # Saturday → Monday
        ("2026-09-30 17:00", 4, "2026-10-08 11:30"),  # over the National Day holiday
        ("2026-10-09 17:00", 3, "2026-10-10 10:30"),  # Saturday worked in lieu
        ("2026-11-25 10:00", 0, "2026-11-25 10:00"),
    ],
)
def test_business_time_addition(start: str, hours: float, expected: str) -> None:
    assert CALENDAR.add(bj(start), timedelta(hours=hours)) == bj(expected)


@pytest.mark.parametrize(
    ("a", "b", "hours"),
    [
        ("2026-11-25 10:00", "2026-11-25 12:00", 2),
        ("2026-11-27 17:30", "2026-11-30 10:00", 2),
        ("2026-09-30 17:00", "2026-10-08 11:30", 4),
        ("2026-11-28 00:00", "2026-11-29 23:59", 0),
        ("2026-11-25 12:00", "2026-11-25 10:00", -2),
    ],
)
def test_business_time_between(a: str, b: str, hours: float) -> None:
    assert CALENDAR.between(bj(a), bj(b)) == timedelta(hours=hours)


@pytest.mark.parametrize(
    ("category", "severity", "g3", "filed", "respond_by", "resolve_by"),
    [
        # network, normal: 4 h / 27 business hours
        (
            "NET.COV.INDOOR",
            "normal",
            False,
            "2026-11-25 09:00",
            "2026-11-25 13:00",
            "2026-11-27 17:00",
        ),
        # network, critical: around the clock, 30 min / 4 h
        (
            "NET.COV.INDOOR",
            "critical",
            False,
            "2026-11-28 23:00",
            "2026-11-28 23:30",
            "2026-11-29 03:00",
        ),
        # disputed data fees: 2 h / 18 business hours; G3 halves both
        (
            "BIL.DISPUTE.DATA",
            "normal",
            False,
            "2026-11-27 17:00",
            "2026-11-30 09:30",
            "2026-12-01 16:00",
        ),
        (
            "BIL.DISPUTE.DATA",
            "normal",
            True,
            "2026-11-27 17:00",
            "2026-11-27 18:00",
            "2026-11-30 16:30",
        ),
        # an SP charging without confirmation: 2 h / 9 h
        (
            "VAS.UNCONFIRMED.SP",
            "low",
            False,
            "2026-09-30 16:00",
            "2026-09-30 18:00",
            "2026-10-08 15:30",
        ),
        # the default rule, high severity: 4 h / 18 h
        (
            "SVC.HALL.ATTITUDE",
            "high",
            False,
            "2026-10-09 16:00",
            "2026-10-10 10:30",
            "2026-10-12 15:00",
        ),
    ],
)
def test_deadlines(
    category: str, severity: str, g3: bool, filed: str, respond_by: str, resolve_by: str
) -> None:
    path = DEFAULT_TAXONOMY.path(category)
    d = TABLE.deadlines(path, Severity(severity), bj(filed), g3=g3)
    assert (d.respond_by, d.resolve_by) == (bj(respond_by), bj(resolve_by))


# Filed Wednesday 09:00, NET normal: respond by Wed 13:00, resolve by Fri 17:00,
# headquarters once 13.5 business hours overdue (Tuesday 11:30).
ESCALATION = [
    ("2026-11-25 12:00", "new", False, False, Level.FRONT_LINE),
    ("2026-11-25 13:01", "new", False, False, Level.PROVINCE),
    ("2026-11-25 13:01", "acknowledged", True, False, Level.FRONT_LINE),
    ("2026-11-25 13:01", "new", False, True, Level.HEADQUARTERS),  # major complaint
    ("2026-11-27 17:01", "inProgress", True, False, Level.PROVINCE),
    ("2026-11-29 23:00", "inProgress", True, False, Level.PROVINCE),  # weekend does not count
    ("2026-12-01 11:29", "inProgress", True, False, Level.PROVINCE),
    ("2026-12-01 11:31", "inProgress", True, False, Level.HEADQUARTERS),
    ("2026-12-09 09:00", "resolved", True, False, Level.FRONT_LINE),
]


@pytest.mark.parametrize(("now", "status", "responded", "major", "level"), ESCALATION)
def test_escalation(now: str, status: str, responded: bool, major: bool, level: Level) -> None:
    path = DEFAULT_TAXONOMY.path("NET.COV.INDOOR")
    d = TABLE.deadlines(path, Severity.NORMAL, bj("2026-11-25 09:00"))
    got = TABLE.escalation(d, Status(status), bj(now), responded=responded, major=major)
    assert got is level


def test_countdown_counts_business_time() -> None:
    path = DEFAULT_TAXONOMY.path("NET.COV.INDOOR")
    d = TABLE.deadlines(path, Severity.NORMAL, bj("2026-11-27 16:00"))
    # Friday 17:00: 3 business hours left; after closing and all weekend: 2.
    assert TABLE.remaining(d, d.respond_by, bj("2026-11-27 17:00")) == timedelta(hours=3)
    assert TABLE.remaining(d, d.respond_by, bj("2026-11-28 12:00")) == timedelta(hours=2)
    assert TABLE.remaining(d, d.respond_by, bj("2026-11-30 11:30")) == timedelta(hours=-1)


def test_most_specific_rule_wins() -> None:
    path = DEFAULT_TAXONOMY.path("BIL.DISPUTE.DATA")
    assert TABLE.rule(path, Severity.NORMAL).category == "BIL.DISPUTE"
    # the deeper category wins over a severity-only rule; severity breaks ties
    assert TABLE.rule(path, Severity.CRITICAL).category == "BIL.DISPUTE"
    assert TABLE.rule(DEFAULT_TAXONOMY.path("SVC.HALL.ATTITUDE"), Severity.HIGH).severity == "high"
    assert TABLE.rule(DEFAULT_TAXONOMY.path("NET.DATA.SLOW"), Severity.CRITICAL).category == "NET"
