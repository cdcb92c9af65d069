"""Liveness and readiness: the web node's endpoints and the health port of the other
processes; readiness fails when PostgreSQL or NATS goes away and recovers after."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from telcare.bus.cluster import NatsServer
from telcare.channels.api.app import create_app
from telcare.ops import health
from telcare.store.migrate import upgrade
from telcare.store.uow import Database
from tests.tcp_proxy import TcpProxy


def test_live_and_ready_on_a_migrated_database(sqlite_db: Database) -> None:
    client = TestClient(create_app(sqlite_db))
    assert client.get("/api/health").json()["status"] == "ok"  # kept for old probes
    assert client.get("/api/health/live").json()["status"] == "ok"
    ready = client.get("/api/health/ready")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok"}
    assert ready.headers["x-request-id"]


def test_not_ready_before_the_migrations(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'new.db'}")
    client = TestClient(create_app(db))
    ready = client.get("/api/health/ready")
    assert ready.status_code == 503
    assert "migrations not at head" in ready.json()["checks"]["database"]
    assert client.get("/api/health/live").status_code == 200  # alive all the same
    upgrade(str(db.engine.url), db.engine)
    assert client.get("/api/health/ready").status_code == 200


def test_readiness_follows_postgresql(pg_schema_url: str) -> None:
    upgrade(pg_schema_url)
    url = make_url(pg_schema_url)
    with TcpProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        db = Database(url.set(host="127.0.0.1", port=proxy.port).render_as_string(False))
        checks = health.for_node(db, "inprocess://")
        assert checks.ready() == (True, {"database": "ok"})
        proxy.cut()  # PostgreSQL "stopped": pooled and new connections fail
        ok, results = checks.ready()
        assert not ok and results["database"] != "ok"
        proxy.restore()
        assert checks.ready() == (True, {"database": "ok"})
        db.dispose()


def test_readiness_follows_nats_on_the_health_port(sqlite_db: Database, tmp_path: Path) -> None:
    nats = NatsServer(tmp_path / "js")
    nats.start()
    try:
        checks = health.for_node(sqlite_db, nats.url)
        server = health.serve_health(checks, 0)
        base = f"http://127.0.0.1:{server.server_port}"
        assert _get(base + "/live") == (200, {"status": "ok"})
        assert _get(base + "/ready") == (
            200,
            {"status": "ok", "checks": {"database": "ok", "nats": "ok"}},
        )
        nats.stop()
        status, body = _get(base + "/ready")
        assert status == 503 and body["checks"]["nats"].startswith("NATS unreachable")
        nats.start()
        assert _get(base + "/ready")[0] == 200
        assert _get(base + "/metrics")[0] == 200
        server.shutdown()
    finally:
        nats.stop()


def test_smpp_bind_is_part_of_the_gateways_readiness(sqlite_db: Database) -> None:
    class Gateway:
        bound = False

    gateway = Gateway()
    checks = health.for_node(sqlite_db, "inprocess://").add("smpp", health.smpp_check(gateway))
    assert checks.ready() == (False, {"database": "ok", "smpp": "SMPP not bound to the SMSC"})
    gateway.bound = True
    assert checks.ready()[0]


def test_a_check_that_raises_fails_readiness() -> None:
    checks = health.Health().add("boom", lambda: 1 / 0)  # type: ignore[arg-type,func-returns-value]
    assert checks.ready() == (False, {"boom": "ZeroDivisionError: division by zero"})


def _get(url: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            body = resp.read()
            status = resp.status
    except urllib.error.HTTPError as err:
        body, status = err.read(), err.code
    if url.endswith("/metrics"):
        return status, {}
    return status, json.loads(body)


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)


def test_a_hung_check_fails_in_time() -> None:
    stuck = threading.Event()
    checks = health.Health().add("slow", lambda: None if stuck.wait(5) else "late")
    ok, results = checks.ready(timeout=0.2)
    stuck.set()
    assert not ok and results == {"slow": "no answer within 0.2s"}
