"""TMF621 Trouble Ticket end to end: file, list, move through the life cycle, problems."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from telcare import clock
from telcare.channels.api.app import create_app
from telcare.config import secret_key
from telcare.domain.access import Kind, Principal
from telcare.services.auth import issue_token
from telcare.services.quality import incidents
from telcare.store.uow import Database

TT = "/tmf-api/troubleTicket/v4/troubleTicket"


def bearer(kind: Kind, subject: str, province: str) -> dict[str, str]:
    token = issue_token(Principal(kind, subject, province, "agent"), secret_key())
    return {"Authorization": f"Bearer {token}"}


CALLER = bearer(Kind.SUBSCRIBER, "13800138000", "BJ")
BJ_AGENT = bearer(Kind.STAFF, "bj-agent", "BJ")
GD_AGENT = bearer(Kind.STAFF, "gd-agent", "GD")
HQ = bearer(Kind.STAFF, "hq-admin", "HQ")


@pytest.fixture
def client(sqlite_db: Database) -> TestClient:
    return TestClient(create_app(sqlite_db))


def test_subscriber_files_and_staff_work_the_ticket(client: TestClient) -> None:
    r = client.post(
        TT,
        headers=CALLER,
        json={
            "name": "家里室内没有信号",
            "ticketType": "NET.COV.INDOOR",
            "note": [{"text": "晚上最差"}],
        },
    )
    assert r.status_code == 201, r.text
    t = r.json()
    assert (
        t["@type"] == "TroubleTicket"
        and t["status"] == "new"
        and t["ticketType"] == "NET.COV.INDOOR"
    )
    assert r.headers["Location"] == t["href"] and t["relatedParty"][0]["id"] == "13800138000"
    chars = {c["name"]: c["value"] for c in t["troubleTicketCharacteristic"]}
    assert (
        chars["province"] == "BJ"
        and chars["queue"] == "g3"
        and chars["categoryPath"].startswith("网络质量")
    )
    assert t["note"][0]["text"] == "晚上最差"

    listed = client.get(TT, headers=BJ_AGENT, params={"ticketType": "NET"})
    assert listed.headers["X-Total-Count"] == "1" and listed.json()[0]["id"] == t["id"]
    assert client.get(TT, headers=GD_AGENT).headers["X-Total-Count"] == "0"
    assert client.get(f"{TT}/{t['id']}", headers=GD_AGENT).status_code == 404

    for status in ("acknowledged", "inProgress", "resolved"):
        r = client.patch(f"{TT}/{t['id']}", headers=BJ_AGENT, json={"status": status})
        assert r.status_code == 200 and r.json()["status"] == status
    bad = client.patch(f"{TT}/{t['id']}", headers=BJ_AGENT, json={"status": "new"})
    assert bad.status_code == 409 and bad.headers["content-type"].startswith(
        "application/problem+json"
    )
    closed = client.patch(f"{TT}/{t['id']}", headers=CALLER, json={"status": "closed"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert client.get(f"{TT}/{t['id']}", headers=HQ, params={"fields": "status"}).json() == {
        "status": "closed",
    }


def test_major_complaint_by_agent_needs_accountability(
    client: TestClient, sqlite_db: Database
) -> None:
    body = {
        "name": "SP未经确认扣费",
        "ticketType": "VAS.UNCONFIRMED.SP",
        "severity": "high",
        "major": True,
        "relatedParty": [{"id": "13700137000"}],
        "relatedEntity": [{"id": "1066000001", "role": "sp"}],
    }
    t = client.post(TT, headers=BJ_AGENT, json=body)
    assert t.status_code == 403  # 13700137000 is a Shanghai line
    t = client.post(TT, headers=HQ, json=body).json()
    tid = t["id"]
    client.patch(f"{TT}/{tid}", headers=HQ, json={"status": "inProgress"})
    client.patch(f"{TT}/{tid}", headers=HQ, json={"status": "resolved"})
    refused = client.patch(f"{TT}/{tid}", headers=HQ, json={"status": "closed"})
    assert refused.status_code == 422 and "责任单位" in refused.json()["detail"]
    closing = {"status": "closed", "responsibleUnit": "上海分公司", "resolution": "全额退费"}
    refused = client.patch(f"{TT}/{tid}", headers=HQ, json=closing)
    assert refused.status_code == 422 and "事件" in refused.json()["detail"]  # issue #22
    hq = Principal(Kind.STAFF, "hq-admin", "HQ", "admin")
    incidents.record_incident(
        sqlite_db, hq, province="SH", title="SP违规扣费", occurred_at=clock.now(),
        impact="1位用户", root_cause="SP绕过确认", unit="上海分公司", person="王五",
        penalty="SP扣分", tickets=[tid],
    )  # fmt: skip
    ok = client.patch(f"{TT}/{tid}", headers=HQ, json=closing)
    assert ok.status_code == 200, ok.text
    chars = {c["name"]: c["value"] for c in ok.json()["troubleTicketCharacteristic"]}
    assert chars["outcome"] == "全额退费" and chars["major"] == "true"


def test_problems(client: TestClient) -> None:
    assert client.get(TT).status_code == 401
    r = client.post(TT, headers=CALLER, json={"name": "x", "ticketType": "NET.COV"})
    assert r.status_code == 422 and r.json()["code"] == "invalid-input"  # not a leaf
    r = client.post(TT, headers=CALLER, json={"name": "x", "ticketType": "NOPE"})
    assert r.status_code == 201 and r.json()["ticketType"] == "NOPE"  # kept as filed (#18)
    assert client.get(f"{TT}/BJ-FFFF", headers=HQ).status_code == 404
    assert client.get(f"{TT}/46846846846", headers=HQ).status_code == 404  # not ours: 404
    r = client.post(TT, headers=CALLER, json={"description": "x", "severity": "High"})
    assert r.status_code == 400 and r.headers["content-type"].startswith("application/problem+json")


def test_a_retried_post_with_the_same_key_files_one_ticket(client: TestClient) -> None:
    body = {"name": "上网很慢", "ticketType": "NET.COV.INDOOR", "note": [{"text": "每天晚上"}]}
    headers = {**CALLER, "Idempotency-Key": "retry-1"}
    first = client.post(TT, headers=headers, json=body)
    again = client.post(TT, headers=headers, json=body)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert first.json()["id"] == again.json()["id"]
    assert len(again.json()["note"]) == 1  # the note was added once
    mine = client.get(TT, headers=CALLER).json()
    assert [t["id"] for t in mine].count(first.json()["id"]) == 1
    other = client.post(TT, headers=headers, json={**body, "name": "别的问题"})
    assert other.status_code == 409  # the same key for a different request
