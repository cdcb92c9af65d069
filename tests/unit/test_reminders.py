"""Data-usage reminders over a simulated month: 80%, 100%, every 10 yuan, quiet hours."""

from __future__ import annotations

from datetime import datetime, timedelta

from telcare.domain.months import month_of
from telcare.domain.reminders import (
    SHANGHAI,
    AllowanceUse,
    DataUsage,
    Reminder,
    due_reminders,
    release_time,
)

MB = 1024
PLAN = 150 * MB


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def usage(used_kb: int, oop_fen: int = 0, total_kb: int = PLAN) -> DataUsage:
    return DataUsage((AllowanceUse("7", "全球通88", total_kb, used_kb),), oop_fen)


def simulate_month(steps: list[tuple[int, int]], start: datetime) -> list[tuple[Reminder, int]]:
    """Apply (used KB, out-of-package fen) steps one hour apart; return what was sent."""
    sent: set[str] = set()
    out: list[tuple[Reminder, int]] = []
    before = usage(0)
    for hour, (used, oop) in enumerate(steps):
        after = usage(used, oop)
        now = start + timedelta(hours=hour)
        for r in due_reminders(before, after, now=now, already=sent):
            sent.add(r.key)
            if r.send:
                out.append((r, hour))
        before = after
    return out


def test_a_month_of_steady_use_reminds_each_threshold_exactly_once() -> None:
    steps: list[tuple[int, int]] = []
    used, oop = 0, 0
    for _ in range(700):  # 700 hours, 1 MB an hour; beyond the plan 250 KB at 0.01 yuan
        if used < PLAN:
            used += MB
        else:
            oop += 250
        steps.append((used, oop))
    sent = simulate_month(steps, local("2026-11-01 08:00:00"))
    keys = [r.key for r, _ in sent]
    assert keys[:2] == ["pkg:7:80", "pkg:7:100"]
    assert len(keys) == len(set(keys))
    oop_levels = [r.level for r, _ in sent if r.kind == "charges"]
    assert oop_levels == list(range(1000, steps[-1][1] + 1, 1000))
    at_80 = next(h for r, h in sent if r.key == "pkg:7:80")
    assert steps[at_80][0] * 100 >= 80 * PLAN > steps[at_80 - 1][0] * 100


def test_no_reminder_below_80_percent() -> None:
    assert due_reminders(usage(0), usage(PLAN * 79 // 100), now=local("2026-11-02 10:00:00")) == []


def test_exactly_80_percent_reminds() -> None:
    (r,) = due_reminders(usage(0), usage(120 * MB), now=local("2026-11-02 10:00:00"))
    assert (r.key, r.level, r.left_kb, r.send) == ("pkg:7:80", 80, 30 * MB, True)


def test_a_jump_over_both_thresholds_sends_only_the_highest() -> None:
    rs = due_reminders(usage(0), usage(PLAN + 1), now=local("2026-11-02 10:00:00"))
    assert [(r.key, r.send) for r in rs] == [("pkg:7:80", False), ("pkg:7:100", True)]


def test_already_sent_thresholds_are_not_repeated() -> None:
    rs = due_reminders(
        usage(0), usage(PLAN), now=local("2026-11-02 10:00:00"), already={"pkg:7:80", "pkg:7:100"}
    )
    assert rs == []


def test_ten_yuan_steps_of_out_of_package_charges() -> None:
    now = local("2026-11-20 12:00:00")
    assert due_reminders(usage(PLAN, 999), usage(PLAN, 999), now=now) == []
    (r,) = due_reminders(usage(PLAN, 999), usage(PLAN, 1000), now=now)
    assert (r.key, r.level) == ("oop:1000", 1000)
    rs = due_reminders(usage(PLAN, 1000), usage(PLAN, 3500), now=now)
    assert [(r.key, r.send) for r in rs] == [("oop:2000", False), ("oop:3000", True)]


def test_each_allowance_has_its_own_thresholds() -> None:
    before = DataUsage((AllowanceUse("1", "A", 100, 0), AllowanceUse("2", "B", 1000, 0)))
    after = DataUsage((AllowanceUse("1", "A", 100, 100), AllowanceUse("2", "B", 1000, 800)))
    rs = due_reminders(before, after, now=local("2026-11-02 10:00:00"))
    assert [r.key for r in rs if r.send] == ["pkg:1:100", "pkg:2:80"]


def test_quiet_hours_hold_reminders_until_eight() -> None:
    assert release_time(local("2026-11-02 21:59:59")) == local("2026-11-02 21:59:59")
    assert release_time(local("2026-11-02 22:00:00")) == local("2026-11-03 08:00:00")
    assert release_time(local("2026-11-02 23:30:00")) == local("2026-11-03 08:00:00")
    assert release_time(local("2026-11-03 00:10:00")) == local("2026-11-03 08:00:00")
    assert release_time(local("2026-11-03 07:59:59")) == local("2026-11-03 08:00:00")
    assert release_time(local("2026-11-03 08:00:00")) == local("2026-11-03 08:00:00")
    (r,) = due_reminders(usage(0), usage(PLAN * 9 // 10), now=local("2026-11-02 23:00:00"))
    assert r.not_before == local("2026-11-03 08:00:00")


def test_a_night_in_the_simulated_month_is_quiet() -> None:
    steps = [(i * 10 * MB, 0) for i in range(1, 20)]  # crosses 80% at 12 steps
    sent = simulate_month(steps, local("2026-11-05 12:00:00"))  # step 12 is 00:00
    for r, hour in sent:
        local_hour = (12 + hour) % 24
        if local_hour >= 22 or local_hour < 8:
            assert r.not_before.astimezone(SHANGHAI).hour == 8


def test_month_is_the_shanghai_calendar_month() -> None:
    assert month_of(datetime.fromisoformat("2026-11-30T16:30:00+00:00")) == "2026-12"
