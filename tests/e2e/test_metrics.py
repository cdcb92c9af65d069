"""``/metrics`` over HTTP: guarded by a token (or loopback), and its figures move while
SMS, logins, complaints and the SLA sweep run through the real channels."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update

from telcare import clock
from telcare.channels.api.app import create_app
from telcare.config import get_settings
from telcare.domain.access import Kind, Principal
from telcare.services import charging
from telcare.services import complaints as svc
from telcare.store.models import Subscription
from telcare.store.uow import Database
from tests.integration.test_charging import LINES, write_csv
from tests.integration.test_charging import NOW as USAGE_NOW

TOKEN = "metrics-token-for-the-test-0123456789"
AUTH = {"authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def client(sqlite_db: Database, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setenv("TELCARE_METRICS_TOKEN", TOKEN)
    get_settings.cache_clear()
    yield TestClient(create_app(sqlite_db, demo=True))
    monkeypatch.delenv("TELCARE_METRICS_TOKEN")
    get_settings.cache_clear()


def scrape(client: TestClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = client.get("/metrics", headers=AUTH)
    assert response.status_code == 200
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def value(figures: dict, name: str, **labels: str) -> float:
    return figures.get((name, frozenset(labels.items())), 0.0)


def test_metrics_need_the_token(client: TestClient) -> None:
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"authorization": "Bearer nope"}).status_code == 404
    assert client.get("/metrics", headers=AUTH).status_code == 200


def test_loopback_reads_metrics_when_no_token_is_set(sqlite_db: Database) -> None:
    app = create_app(sqlite_db)
    assert TestClient(app).get("/metrics").status_code == 404  # "testclient" is not loopback
    assert TestClient(app, client=("127.0.0.1", 50000)).get("/metrics").status_code == 200


def test_figures_move_during_a_flow(client: TestClient, sqlite_db: Database) -> None:
    before = scrape(client)
    for text in ("CXYE", "cxye"):
        replies = client.post(
            "/sms/mo", json={"sender": "13800138000", "recipient": "10086", "text": text}
        )
        assert replies.status_code == 200 and replies.json()
    for _ in range(5):
        wrong = {"grant_type": "password", "username": "nobody-x", "password": "wrong"}
        assert client.post("/tmf-api/auth/token", json=wrong).status_code in (401, 403, 429)
    filed = clock.now() - timedelta(days=30)
    caller = Principal(Kind.SUBSCRIBER, "13800138000", "BJ")
    svc.file_ticket(
        sqlite_db,
        caller,
        node="BJ",
        category="NET.COV.INDOOR",
        summary="无信号",
        channel="hall",
        now=filed,
    )
    assert svc.sweep_escalations(sqlite_db, node="BJ") >= 1
    after = scrape(client)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("telcare_sms_mo_total", command="QueryBalance") == 2
    assert moved("telcare_sms_mt_total", command="QueryBalance") >= 2
    assert moved("telcare_sms_handle_seconds_count", command="QueryBalance") == 2
    assert moved("telcare_login_failures_total", kind="staff") == 5
    assert moved("telcare_login_lockouts_total", kind="staff", by="account") == 1
    assert moved("telcare_sla_escalations_total", level="2") >= 1
    assert value(after, "telcare_outbox_backlog", outbox="events") >= 1  # no relay running
    assert value(after, "telcare_outbox_oldest_age_seconds", outbox="events") > 0
    assert (
        moved(
            "telcare_http_request_duration_seconds_count",
            method="POST",
            route="/sms/mo",
            status="200",
        )
        == 2
    )


def test_the_sample_dashboard_shows_only_metrics_that_exist() -> None:
    """Every metric a panel of deploy/grafana/telcare.json queries is one we export."""
    dashboard = Path(__file__).parents[2] / "deploy" / "grafana" / "telcare.json"
    exprs = [t["expr"] for p in json.loads(dashboard.read_text())["panels"] for t in p["targets"]]
    used = {m for e in exprs for m in re.findall(r"telcare_[a-z_]+", e)}
    suffixes = ("", "_total", "_bucket", "_count", "_sum")
    known = {f.name + suffix for f in REGISTRY.collect() for suffix in suffixes}
    assert used and used <= known, used - known


def test_usage_ingest_counts_rated_rejected_and_duplicates(
    sqlite_db: Database, tmp_path: Path
) -> None:
    with sqlite_db.uow() as uow:
        uow.session.execute(update(Subscription).values(starts_at=datetime(2026, 1, 1, tzinfo=UTC)))
        uow.commit()

    def counted(outcome: str) -> float:
        return REGISTRY.get_sample_value("telcare_usage_records_total", {"outcome": outcome}) or 0

    before = {o: counted(o) for o in ("rated", "rejected", "duplicate")}
    charging.ingest(sqlite_db, write_csv(tmp_path / "u.csv", LINES), now=USAGE_NOW)
    moved = {o: counted(o) - before[o] for o in before}
    assert moved == {"rated": 6, "rejected": 5, "duplicate": 1}
