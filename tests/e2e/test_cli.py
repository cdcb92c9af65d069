"""The ``telcare`` command as a user runs it: a real process on a real database file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from telcare import __version__

TELCARE = [sys.executable, "-m", "telcare"]


def run(args: list[str], db_file: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TELCARE_DATABASE_URL": f"sqlite:///{db_file}"}
    return subprocess.run([*TELCARE, *args], env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db_file = tmp_path_factory.mktemp("cli") / "demo.db"
    first = run(["init", "--demo"], db_file)
    assert first.returncode == 0, first.stderr
    for user in ("hq-admin", "bj-agent", "gd-agent"):
        assert f"staff {user} password:" in first.stdout
    return db_file


def test_version() -> None:
    out = subprocess.run([*TELCARE, "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"telcare {__version__}"


def test_init_demo_twice_changes_nothing(demo_file: Path) -> None:
    again = run(["init", "--demo"], demo_file)
    assert again.returncode == 0, again.stderr
    assert "nothing new" in again.stdout
    assert "password" not in again.stdout


def test_sms_balance_query_prints_reply_line(demo_file: Path) -> None:
    out = run(["sms", "13800138000", "10086", "CXYE"], demo_file)
    assert out.returncode == 0, out.stderr
    number, text = out.stdout.rstrip("\n").split("\t")
    assert number == "10086"
    assert "100.00" in text and "余额" in text


def test_sms_english_subscriber_gets_english(demo_file: Path) -> None:
    out = run(["sms", "13900139000", "10086", "ｃｘｙｅ"], demo_file)
    assert out.stdout.startswith("10086\t") and "30.00 yuan" in out.stdout


def test_sms_on_uninitialised_database_says_what_to_do(tmp_path: Path) -> None:
    out = run(["sms", "13800138000", "10086", "CXYE"], tmp_path / "none.db")
    assert out.returncode == 2
    assert "telcare init --demo" in out.stdout


def test_sms_to_a_subscriber_prints_the_delivered_message(demo_file: Path) -> None:
    out = run(["sms", "13800138000", "13900139000", "晚上一起吃饭吗？"], demo_file)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "13900139000\t晚上一起吃饭吗？\n"


def test_sms_held_by_the_firewall_prints_nothing_and_says_why(demo_file: Path) -> None:
    spam = "恭喜您中奖了，请点击链接领取奖金 http://t.cn/abc"
    out = run(["sms", "13800138000", "13900139000", spam], demo_file)
    assert out.returncode == 0, out.stderr
    assert out.stdout == ""
    assert "quarantine: classifier" in out.stderr


def test_sms_to_10086999_prints_the_platforms_acknowledgement(demo_file: Path) -> None:
    """Issue #20: a spam report printed nothing (the acknowledgement is a queued notification)."""
    report = run(["sms", "13800138000", "10086999", "17012345678*恭喜中奖请点击领取"], demo_file)
    assert report.returncode == 0, report.stderr
    number, text = report.stdout.rstrip("\n").split("\t")
    assert number == "10086999" and "17012345678" in text
    wrong = run(["sms", "13800138000", "10086999", "随便说说"], demo_file)
    assert wrong.stdout.startswith("10086999\t") and "10086999" in wrong.stdout.split("\t")[1]
