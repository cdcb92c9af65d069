"""No default secrets: outside demo mode the servers refuse to start without a real signing
key (exit code 2, the reason on stderr); demo mode makes one key and keeps it."""

from __future__ import annotations

import os
import re
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from telcare.config import (
    DEMO_SECRET_FILE,
    OLD_DEFAULT_SECRET,
    demo_secret_path,
    load_settings,
    secret_problem,
)

TELCARE = [sys.executable, "-m", "telcare"]
STRONG = "k" * 32
WEAK_KEYS = {
    "missing": None,
    "default": OLD_DEFAULT_SECRET,
    "short": "s" * 31,
}
REASONS = {
    "missing": "TELCARE_SECRET_KEY is not set",
    "default": "old development default",
    "short": "too short",
}


def env_with(tmp_path: Path, key: str | None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TELCARE_SECRET_KEY", "TELCARE_DEMO")}
    env["TELCARE_DATABASE_URL"] = f"sqlite:///{tmp_path / 'telcare.db'}"
    if key is not None:
        env["TELCARE_SECRET_KEY"] = key
    return {**env, **extra}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("reason", sorted(WEAK_KEYS))
def test_check_names_each_weak_key(reason: str) -> None:
    assert secret_problem(WEAK_KEYS[reason] or "") == reason
    assert secret_problem("   ") == "missing"
    assert secret_problem(STRONG) is None


@pytest.mark.parametrize("reason", sorted(WEAK_KEYS))
def test_serve_refuses_a_weak_key(tmp_path: Path, reason: str) -> None:
    done = subprocess.run(
        [*TELCARE, "serve", "--port", str(free_port())],
        env=env_with(tmp_path, WEAK_KEYS[reason]),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert REASONS[reason] in done.stderr and "拒绝启动" in done.stderr
    assert "telcare serve --demo" in done.stderr  # the way out, for a demo


@pytest.mark.parametrize("command", [["smpp"], ["bus", "run"], ["worker"]])
def test_the_other_servers_refuse_a_missing_key(tmp_path: Path, command: list[str]) -> None:
    done = subprocess.run(
        [*TELCARE, *command],
        env=env_with(tmp_path, None),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert REASONS["missing"] in done.stderr


def test_demo_key_is_made_once_and_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in env_with(tmp_path, None, TELCARE_DEMO="1").items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("TELCARE_SECRET_KEY", raising=False)
    first = load_settings().secret_key.get_secret_value()
    kept = tmp_path / DEMO_SECRET_FILE
    assert demo_secret_path(os.environ["TELCARE_DATABASE_URL"]) == kept
    assert secret_problem(first) is None and kept.read_text().strip() == first
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert load_settings().secret_key.get_secret_value() == first  # the next start
    monkeypatch.setenv("TELCARE_SECRET_KEY", OLD_DEFAULT_SECRET)  # never used, even in demo
    assert load_settings().secret_key.get_secret_value() == first
    monkeypatch.delenv("TELCARE_DEMO")
    assert secret_problem(load_settings().secret_key) == "default"  # outside demo: refused


def _serve_demo(tmp_path: Path, db_url: str) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    proc = subprocess.Popen(
        [*TELCARE, "serve", "--demo", "--port", str(port)],
        env=env_with(tmp_path, None, TELCARE_DATABASE_URL=db_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(proc.communicate()[0])
        try:
            if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                return proc, base
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("telcare serve --demo did not start")


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    proc.communicate(timeout=20)


@pytest.mark.slow
def test_serve_demo_sessions_survive_a_restart(tmp_path: Path) -> None:
    """``telcare serve --demo`` with no key starts, shows the banner, and signs with the same
    kept key after a restart: the session cookie of the first run still holds its CSRF token."""
    db_url = f"sqlite:///{tmp_path / 'telcare.db'}"  # nothing migrated: / needs no data
    proc, base = _serve_demo(tmp_path, db_url)
    try:
        with httpx.Client(base_url=base) as browser:
            home = browser.get("/")
            assert "演示模式" in home.text
            first = re.search(r'name="csrf_token" value="([^"]+)"', home.text)
            assert first
            cookies = dict(browser.cookies)
    finally:
        _stop(proc)
    kept = tmp_path / DEMO_SECRET_FILE
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    key = kept.read_text()
    proc, base = _serve_demo(tmp_path, db_url)
    try:
        with httpx.Client(base_url=base, cookies=cookies) as browser:
            again = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/").text)
    finally:
        _stop(proc)
    assert again and again.group(1) == first.group(1)
    assert kept.read_text() == key


def test_the_worker_serves_its_health_port_and_stops_on_sigterm(tmp_path: Path) -> None:
    env = env_with(tmp_path, STRONG)
    init = subprocess.run([*TELCARE, "init"], env=env, capture_output=True, text=True, timeout=120)
    assert init.returncode == 0, init.stderr
    port = free_port()
    proc = subprocess.Popen(
        [*TELCARE, "worker", "--health-port", str(port), "--every", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/ready", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, "no health port"
                time.sleep(0.3)
        assert ready.status_code == 200, ready.text
    finally:
        proc.terminate()
        output = proc.communicate(timeout=60)[0]
    assert proc.returncode == 0, output
