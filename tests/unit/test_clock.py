"""The one clock: its instant, its pinning, and no other reading of the wall clock."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from time_machine import TimeMachineFixture

import telcare
from telcare import clock

LEAP_NOON = datetime(2028, 2, 29, 4, tzinfo=UTC)  # 12:00 Beijing time


def test_parse_instant_takes_beijing_time_without_an_offset() -> None:
    assert clock.parse_instant("2028-02-29T12:00") == LEAP_NOON
    assert clock.parse_instant(" 2028-02-29T04:00:00+00:00 ") == LEAP_NOON
    with pytest.raises(ValueError):
        clock.parse_instant("29/02/2028")


def test_follows_time_machine_and_gives_the_operators_day(time_machine: TimeMachineFixture) -> None:
    time_machine.move_to(datetime(2026, 12, 31, 16, 0, 30, tzinfo=UTC), tick=False)
    assert clock.now() == datetime(2026, 12, 31, 16, 0, 30, tzinfo=UTC)
    assert clock.now().tzinfo is UTC
    assert clock.today().isoformat() == "2027-01-01"  # already the new year in Beijing
    assert clock.local_now().hour == 0


def test_start_at_runs_the_clock_from_an_instant(time_machine: TimeMachineFixture) -> None:
    time_machine.move_to(datetime(2026, 12, 4, 10, tzinfo=UTC), tick=False)
    try:
        clock.start_at(LEAP_NOON)
        assert clock.now() == LEAP_NOON
        time_machine.shift(timedelta(minutes=5))
        assert clock.now() == LEAP_NOON + timedelta(minutes=5)  # it runs on
    finally:
        clock.start_at(None)
    assert clock.now() == datetime(2026, 12, 4, 10, 5, tzinfo=UTC)


def test_a_process_started_with_telcare_clock_begins_there() -> None:
    env = {**os.environ, clock.ENV: "2028-02-29T12:00:00+08:00"}
    code = "from telcare import clock; print(clock.now().isoformat(), clock.today())"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    instant, day = out.stdout.split()
    assert day == "2028-02-29"
    assert timedelta(0) <= datetime.fromisoformat(instant) - LEAP_NOON < timedelta(seconds=30)


WALL_CLOCK = {("datetime", "now"), ("datetime", "utcnow"), ("date", "today"), ("time", "time")}


def test_only_the_clock_module_reads_the_wall_clock() -> None:
    """Every other module asks ``telcare.clock``, so a test or demo can pin it."""
    root = Path(telcare.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        if path == root / "clock.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and (node.func.value.id, node.func.attr) in WALL_CLOCK
            ):
                found.append(f"{path.relative_to(root)}:{node.lineno}")
    assert found == []
