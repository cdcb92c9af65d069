"""A node started for production as docs/security.md says (a real secret, no demo mode,
`telcare serve` as a subprocess) passes scripts/probe_production.py; the same probe
fails a demo node (it is not vacuous)."""

from __future__ import annotations

import importlib.util
import os
import re
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

import httpx
import pytest
from typer.testing import CliRunner

from telcare.cli import app
from tests.e2e.test_startup_secret import free_port

ROOT = Path(__file__).resolve().parents[2]
TELCARE = [sys.executable, "-m", "telcare"]


def _load_probe() -> ModuleType:
    spec = importlib.util.spec_from_file_location("probe", ROOT / "scripts/probe_production.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


probe = _load_probe()


def _env(tmp_path: Path) -> dict[str, str]:
    """Production settings: a strong random key; the hash parameters' defaults (OWASP)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELCARE_PASSWORD_HASH_", "TELCARE_DEMO", "TELCARE_SECRET_KEY"))
    }
    env["TELCARE_DATABASE_URL"] = f"sqlite:///{tmp_path / 'telcare.db'}"
    env["TELCARE_SECRET_KEY"] = secrets.token_urlsafe(48)
    env["PYTHONPATH"] = str(ROOT)
    return env


@contextmanager
def serving(env: dict[str, str], *extra: str) -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen(
        [*TELCARE, "serve", "--port", str(port), *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            try:
                if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "telcare serve did not start"
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def node_env(tmp_path: Path) -> tuple[dict[str, str], str]:
    """A migrated database with demo data (accounts to probe) and hq-admin's password."""
    env = _env(tmp_path)
    done = subprocess.run(
        [*TELCARE, "init", "--demo", "--subscribers", "3"],
        env={**env, "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    found = re.search(r"staff hq-admin password: (\S+)", done.stdout)
    assert found, done.stdout
    return env, found.group(1)


@pytest.mark.slow
def test_a_production_node_passes_the_probe(node_env: tuple[dict[str, str], str]) -> None:
    env, password = node_env
    with serving(env) as url:  # behind a proxy on this host (trusted by default)
        failures = probe.probe(
            url, subscriber="13800138000", staff=("hq-admin", password), via_proxy=True
        )
        assert not failures, "\n".join(failures)
        assert probe.main([url, "--via-proxy"]) == 0
    with serving(env, "--demo") as url:  # the probe is not vacuous
        failures = probe.probe(url, subscriber="13800138000", via_proxy=True)
    assert "/sms/simulator is open" in failures and "POST /sms/mo is open" in failures


def test_serve_exposes_the_proxy_and_tls_options() -> None:
    shown = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200"})
    for option in ("--proxy-headers", "--forwarded-allow-ips", "--ssl-certfile", "--ssl-keyfile"):
        assert option in shown.output, option
