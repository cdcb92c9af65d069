"""``telcare serve --workers 2 --proxy-headers``: a real multi-process server whose
readiness holds, whose /metrics sums the workers, and which trusts X-Forwarded-For
from the allowed proxy only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from telcare.bus.cluster import free_port
from telcare.store.uow import Database

pytestmark = pytest.mark.slow


def test_serve_with_workers_behind_a_proxy(sqlite_db: Database, tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "TELCARE_DATABASE_URL": str(sqlite_db.engine.url),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }
    (tmp_path / "metrics").mkdir()
    args = ["serve", "--port", str(port), "--workers", "2", "--proxy-headers"]
    args += ["--forwarded-allow-ips", "127.0.0.1", "--log-level", "INFO"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "telcare", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(proc, base)
        for _ in range(6):
            assert httpx.get(f"{base}/api/health/live", timeout=5).status_code == 200
        # behind the proxy the client is the forwarded address: /metrics is not for it
        forwarded = {"x-forwarded-for": "203.0.113.9"}
        assert httpx.get(f"{base}/metrics", headers=forwarded, timeout=5).status_code == 404
        text = httpx.get(f"{base}/metrics", timeout=5).text
        lives = [
            float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith("telcare_http_request_duration_seconds_count")
            and 'route="/api/health/live"' in line
        ]
        assert sum(lives) == 6  # whichever worker answered, the figures are summed
    finally:
        proc.terminate()
        output = proc.communicate(timeout=30)[0]
    lines = [json.loads(x) for x in output.splitlines() if x.startswith("{")]
    assert any(x["event"] == "http.request" and x["route"] == "/metrics" for x in lines)


def _wait_ready(proc: subprocess.Popen[str], base: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(proc.communicate()[0])
        try:
            if httpx.get(f"{base}/api/health/ready", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("telcare serve --workers 2 did not become ready")
