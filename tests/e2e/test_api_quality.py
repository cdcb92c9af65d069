"""The quality API (issue #22) through HTTP: "no data" is null, never 0 or 100; province
scoping; an incident (idempotent); the launch gate end to end; discipline cases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from telcare import clock
from telcare.channels.api.app import create_app
from telcare.config import secret_key
from telcare.demo.partners import seed_partners
from telcare.domain import launch as rules
from telcare.domain.access import Kind, Principal
from telcare.domain.months import month_of
from telcare.services import partners
from telcare.services.auth import issue_token
from telcare.store.models import StaffUser
from telcare.store.uow import Database

BJ, GD, MUSIC = "13800138000", "13900139000", "1066000001"


def bearer(kind: Kind, subject: str, province: str) -> dict[str, str]:
    token = issue_token(Principal(kind, subject, province, "agent"), secret_key())
    return {"Authorization": f"Bearer {token}"}


HQ = bearer(Kind.STAFF, "hq-admin", "HQ")
TESTER = bearer(Kind.STAFF, "hq-tester", "HQ")
BJ_AGENT = bearer(Kind.STAFF, "bj-agent", "BJ")
CALLER = bearer(Kind.SUBSCRIBER, BJ, "BJ")


@pytest.fixture
def client(sqlite_db: Database) -> TestClient:
    seed_partners(sqlite_db)
    with sqlite_db.uow() as uow:
        uow.session.add(StaffUser(username="hq-tester", role="agent", province_code="HQ",
                                  password_hash="x", created_at=clock.now()))  # fmt: skip
        uow.commit()
    return TestClient(create_app(sqlite_db))


def test_figures_show_no_data_as_null_and_are_scoped(client: TestClient) -> None:
    assert client.get("/api/quality/figures", headers=CALLER).status_code == 403
    assert client.get("/api/quality/figures?province=GD", headers=BJ_AGENT).status_code == 403
    body = client.get("/api/quality/figures?month=2024-06", headers=BJ_AGENT).json()
    assert body["province"] == "BJ"
    rows = {r["code"]: r for r in body["indicators"]}
    for code in ("CMP_SLA", "SAT_SCORE", "NET_DROP", "HOTLINE_20S"):  # nothing to count
        assert rows[code]["value"] is None and rows[code]["noData"] is True, rows[code]
    assert all(s["outcome"] == "no_data" and s["value"] is None for s in body["standards"]
               if s["code"] != "S2")  # fmt: skip
    assert client.get("/api/quality/figures?month=0000-01", headers=HQ).status_code == 422


def test_an_incident_by_api_is_recorded_once_and_opens_an_action(client: TestClient) -> None:
    when = (clock.now() - timedelta(days=1)).isoformat()
    incident = {"province": "BJ", "title": "计费系统故障", "occurred_at": when,
                "impact": "2小时无法充值", "root_cause": "数据库主备切换失败",
                "unit": "北京计费中心", "person": "李四", "penalty": "通报批评"}  # fmt: skip
    key = {"Idempotency-Key": "inc-1"}
    first = client.post("/api/quality/incidents", json=incident, headers={**BJ_AGENT, **key})
    assert first.status_code == 201, first.text
    again = client.post("/api/quality/incidents", json=incident, headers={**BJ_AGENT, **key})
    assert again.json()["id"] == first.json()["id"]
    assert len(client.get("/api/quality/incidents", headers=HQ).json()) == 1
    wrong = client.post("/api/quality/incidents", json={**incident, "province": "GD"},
                        headers=BJ_AGENT)  # fmt: skip
    assert wrong.status_code == 403
    (action,) = client.get("/api/quality/actions", headers=BJ_AGENT).json()
    assert (action["source"], action["owner"], action["incident_id"]) == (
        "incident", "李四", first.json()["id"])  # fmt: skip
    done = client.post(f"/api/quality/actions/{action['id']}/evidence",
                       json={"text": "已增加切换演练"}, headers=BJ_AGENT)  # fmt: skip
    assert done.json()["status"] == "done"
    closed = client.post(f"/api/quality/actions/{action['id']}/close",
                         json={"text": "演练通过"}, headers=HQ)  # fmt: skip
    assert closed.json()["status"] == "closed"


def test_launch_gate_through_the_api(client: TestClient, sqlite_db: Database) -> None:
    partners.launch_service(sqlite_db, Principal(Kind.SP, MUSIC, "HQ"), MUSIC, "NEWS",
                            "音乐快讯", "Music news", 300)  # fmt: skip
    order = {"access_code": MUSIC, "service_code": "NEWS"}
    refused = client.post("/api/partners/subscriptions", json=order, headers=CALLER)
    assert refused.status_code == 422 and "上线测试" in refused.json()["detail"]
    item = f"{MUSIC}:NEWS"
    body = {"kind": "sp_service", "item": item, "test_lines": [BJ]}
    started = client.post("/api/quality/launch", headers=TESTER, json=body)
    assert started.status_code == 201, started.text
    assert client.post("/api/partners/subscriptions", json=order, headers=CALLER).status_code == 202
    typed = client.post(f"/api/quality/launch/sp_service/{item}/steps", headers=TESTER,
                        json={"step": "sms_order", "ok": True, "note": "ok"})  # fmt: skip
    assert typed.status_code == 422  # the test orders are run by the system, not typed
    ran = client.post(f"/api/quality/launch/sp_service/{item}/verify", headers=TESTER)
    assert ran.status_code == 200, ran.text
    assert ran.json()["steps"]["sms_charge"]["ok"], ran.json()["steps"]
    for step in rules.REVIEWS:
        client.post(f"/api/quality/launch/sp_service/{item}/steps", headers=TESTER,
                    json={"step": step, "ok": True, "note": "ok"})  # fmt: skip
    same = client.post(f"/api/quality/launch/sp_service/{item}/approve", headers=TESTER)
    assert same.status_code == 409
    ok = client.post(f"/api/quality/launch/sp_service/{item}/approve", headers=HQ)
    assert ok.status_code == 200 and ok.json()["status"] == "passed"
    gd = bearer(Kind.SUBSCRIBER, GD, "GD")
    assert client.post("/api/partners/subscriptions", json=order, headers=gd).status_code == 202


def test_discipline_cases_through_the_api(client: TestClient, sqlite_db: Database) -> None:
    from telcare.services.quality import discipline

    hq = Principal(Kind.STAFF, "hq-admin", "HQ", "admin")
    partners.record_inspection(sqlite_db, hq, "1066000005", "unconfirmed_charge", "拨测")
    assert discipline.detect(sqlite_db) == 1
    (case,) = client.get("/api/quality/discipline", headers=HQ).json()
    assert client.get("/api/quality/discipline", headers=BJ_AGENT).json() == []
    moved = client.post(f"/api/quality/discipline/{case['id']}", headers=HQ,
                        json={"action": "dismiss", "finding": "误报"})  # fmt: skip
    assert moved.json()["status"] == "dismissed"
    month = month_of(clock.now())
    (row,) = client.get(f"/api/quality/discipline/summary/{month}", headers=HQ).json()
    assert row["by_rule"] == {"unconfirmed_fee": 1}
