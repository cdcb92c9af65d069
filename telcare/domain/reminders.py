"""Data-usage reminders: which thresholds a change of usage crosses, and when to send.

* Thresholds, per calendar month (Asia/Shanghai): 80% and 100% of each data
  allowance, and every 10 yuan of out-of-package data charges.
* Each threshold is reminded at most once a month: the caller passes the keys
  already used this month. When one change crosses several thresholds of the
  same series (e.g. 80% and 100% of one allowance, or 10 and 20 yuan), only the
  highest is sent; the lower ones are returned with ``send=False`` so that the
  caller records them and never sends them later.
* Quiet hours 22:00–08:00 Asia/Shanghai: a reminder due then is held until 08:00.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from telcare.domain.subscriptions import OPERATOR_TZ

SHANGHAI = OPERATOR_TZ  # quiet hours and months are the operator's local time
PERCENT_THRESHOLDS = (80, 100)
OUT_OF_PACKAGE_STEP_FEN = 1000  # every 10 yuan
QUIET_FROM = time(22, 0)
QUIET_UNTIL = time(8, 0)


@dataclass(frozen=True, slots=True)
class AllowanceUse:
    """One data allowance in force this month: ``key`` is stable (subscription id)."""

    key: str
    name: str
    total_kb: int
    used_kb: int


@dataclass(frozen=True, slots=True)
class DataUsage:
    """A subscriber's data position for one month."""

    allowances: tuple[AllowanceUse, ...] = ()
    out_of_package_fen: int = 0


@dataclass(frozen=True, slots=True)
class Reminder:
    """A threshold crossed: ``key`` is unique within the month."""

    key: str
    kind: str  # "allowance" or "charges"
    level: int  # percent for allowances, fen for charges
    name: str  # the allowance's name ("" for charges)
    left_kb: int
    send: bool
    not_before: datetime


def release_time(now: datetime) -> datetime:
    """``now``, or the next 08:00 Asia/Shanghai when ``now`` is in quiet hours."""
    local = now.astimezone(SHANGHAI)
    if local.time() >= QUIET_FROM:
        day = local.date() + timedelta(days=1)
    elif local.time() < QUIET_UNTIL:
        day = local.date()
    else:
        return now
    return datetime.combine(day, QUIET_UNTIL, tzinfo=SHANGHAI)


def _percent_reached(used_kb: int, total_kb: int) -> int:
    """The highest percent threshold reached (0 if none)."""
    reached = [p for p in PERCENT_THRESHOLDS if used_kb * 100 >= p * total_kb]
    return max(reached, default=0)


def due_reminders(
    before: DataUsage, after: DataUsage, *, now: datetime, already: Collection[str] = ()
) -> list[Reminder]:
    """The thresholds crossed going from ``before`` to ``after``, not in ``already``."""
    not_before = release_time(now)
    out: list[Reminder] = []
    was = {a.key: a.used_kb for a in before.allowances}
    for a in after.allowances:
        if a.total_kb <= 0:
            continue
        old = _percent_reached(was.get(a.key, 0), a.total_kb)
        new = [
            p
            for p in PERCENT_THRESHOLDS
            if p > old and a.used_kb * 100 >= p * a.total_kb and f"pkg:{a.key}:{p}" not in already
        ]
        left = max(a.total_kb - a.used_kb, 0)
        out += [
            Reminder(f"pkg:{a.key}:{p}", "allowance", p, a.name, left, p == new[-1], not_before)
            for p in new
        ]
    step = OUT_OF_PACKAGE_STEP_FEN
    levels = [
        n * step
        for n in range(before.out_of_package_fen // step + 1, after.out_of_package_fen // step + 1)
        if f"oop:{n * step}" not in already
    ]
    out += [
        Reminder(f"oop:{lv}", "charges", lv, "", 0, lv == levels[-1], not_before) for lv in levels
    ]
    return out
