"""``/api/surveys``: triggers, templates, scores, the online survey, club and opinions,
problem bodies and idempotency keys; and schemathesis over these paths (no 500s)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from telcare.channels.api.app import create_app
from telcare.config import secret_key
from telcare.domain.access import Kind, Principal
from telcare.services import auth, surveys
from telcare.services.hashing import hash_secret
from telcare.store.models import StaffUser
from telcare.store.uow import Database
from tests.clock import office_hours_today

BJ = "13800138000"


def bearer(who: Principal) -> dict[str, str]:
    return {"Authorization": f"Bearer {auth.issue_token(who, secret_key())}"}


SUB = bearer(Principal(Kind.SUBSCRIBER, BJ, "BJ"))
BJ_STAFF = bearer(Principal(Kind.STAFF, "bj-agent", "BJ", "agent"))
SH_STAFF = bearer(Principal(Kind.STAFF, "sh-agent", "SH", "agent"))
HQ = bearer(Principal(Kind.STAFF, "hq-admin", "HQ", "admin"))


@pytest.fixture
def client(request: pytest.FixtureRequest, sqlite_db: Database) -> TestClient:
    """The app; in demo mode (the SMS simulator) for tests marked ``demo``."""
    with sqlite_db.uow() as uow:  # a token names a real staff account (the demo has no sh-agent)
        uow.session.add(
            StaffUser(
                username="sh-agent",
                role="agent",
                province_code="SH",
                password_hash=hash_secret("pw-123456"),
                created_at=datetime.now(UTC),
            )
        )
        uow.commit()
    return TestClient(
        create_app(sqlite_db, demo=request.node.get_closest_marker("demo") is not None)
    )


def test_needs_a_token_and_staff(client: TestClient) -> None:
    r = client.get("/api/surveys/templates")
    assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json"
    r = client.get("/api/surveys/templates", headers=SUB)
    assert r.status_code == 403 and r.json()["status"] == 403
    body = {"msisdn": BJ, "shop_code": "BJ001", "visit_id": "v1"}
    assert client.post("/api/surveys/visits", json=body, headers=SUB).status_code == 403


def test_visit_and_call_triggers_are_idempotent(client: TestClient) -> None:
    body = {"msisdn": BJ, "shop_code": "bj001", "visit_id": "v-1"}
    key = {"Idempotency-Key": "visit-1"}
    first = client.post("/api/surveys/visits", json=body, headers=BJ_STAFF | key)
    assert first.status_code == 200, first.text
    assert first.json()["outcome"] in {"surveyed", "not_sampled"}
    again = client.post("/api/surveys/visits", json=body, headers=BJ_STAFF | key)
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    # the same visit without the key: recorded once all the same (the visit id)
    dup = client.post("/api/surveys/visits", json=body, headers=BJ_STAFF)
    assert dup.json()["outcome"] == "duplicate"
    other = client.post(
        "/api/surveys/visits", json={**body, "visit_id": "v-2"}, headers=BJ_STAFF | key
    )
    assert other.status_code == 409  # the key reused for another request
    call = client.post(
        "/api/surveys/calls", json={"msisdn": BJ, "call_id": "c-1"}, headers=BJ_STAFF
    )
    assert call.status_code == 200 and call.json()["outcome"] in {
        "surveyed",
        "not_sampled",
        "recent",
    }
    bad = client.post("/api/surveys/calls", json={"msisdn": "12345", "call_id": "c-2"}, headers=HQ)
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"


def test_templates_versions_and_scores(client: TestClient, sqlite_db: Database) -> None:
    codes = [t["code"] for t in client.get("/api/surveys/templates", headers=HQ).json()]
    assert {"SHOP", "HOTLINE", "TICKET", "G3", "ONLINE"} <= set(codes)
    [v1] = client.get("/api/surveys/templates/shop/versions", headers=BJ_STAFF).json()
    assert v1["version"] == 1 and v1["created_by"] == "system"
    assert client.get("/api/surveys/templates/NOPE/versions", headers=HQ).status_code == 404
    noon = office_hours_today()  # surveys wait out quiet hours: keep the test off the clock
    surveys.send_now(sqlite_db, BJ, "shop", now=noon)
    surveys.handle_reply(sqlite_db, BJ, "4", now=noon + timedelta(minutes=5))
    [row] = client.get("/api/surveys/scores?by=province,channel", headers=HQ).json()
    assert row["key"] == {"province": "BJ", "channel": "shop"}
    assert (row["count"], row["satisfied"], row["mean"]) == (1, 1, 4.0)
    assert row["rate_low"] < 1.0 == row["rate"] == row["rate_high"]
    assert row["histogram"] == [0, 0, 0, 1, 0]
    assert client.get("/api/surveys/scores", headers=SH_STAFF).json() == []  # not theirs
    month = client.get("/api/surveys/scores?by=month&month=1999-01", headers=HQ)
    assert month.json() == []
    bad = client.get("/api/surveys/scores?by=colour", headers=HQ)
    assert bad.status_code == 422 and "colour" in bad.json()["detail"]


def test_answering_my_survey_online(client: TestClient, sqlite_db: Database) -> None:
    assert client.get("/api/surveys/mine", headers=HQ).status_code == 403
    offer = client.get("/api/surveys/mine", headers=SUB).json()
    assert offer["available"] and offer["survey_id"] is None
    assert offer["template"]["code"] == "ONLINE"
    bad = client.post("/api/surveys/mine/answers", json={"answers": {"overall": "9"}}, headers=SUB)
    assert bad.status_code == 422
    done = client.post(
        "/api/surveys/mine/answers",
        json={"answers": {"overall": "2", "ease": "一般", "comment": "太慢"}},
        headers=SUB | {"Idempotency-Key": "ans-1"},
    )
    assert done.status_code == 201
    assert (done.json()["score"], done.json()["low"]) == (2, True)
    assert client.get("/api/surveys/mine", headers=SUB).json() == {
        "available": False,
        "survey_id": None,
        "expires_at": None,
        "template": None,
    }
    again = client.post(
        "/api/surveys/mine/answers",
        json={"answers": {"overall": "2", "ease": "一般", "comment": "太慢"}},
        headers=SUB | {"Idempotency-Key": "ans-1"},
    )
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"


def test_club_membership_events_and_attendance(client: TestClient) -> None:
    soon = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    event = {"kind": "hotline_tour", "title": "参观10086", "starts_at": soon, "capacity": 1}
    made = client.post("/api/surveys/club/events", json=event, headers=BJ_STAFF)
    assert made.status_code == 201
    eid = made.json()["id"]
    assert client.post("/api/surveys/club/events", json=event, headers=SUB).status_code == 403
    not_member = client.post(f"/api/surveys/club/events/{eid}/registrations", headers=SUB)
    assert not_member.status_code == 409
    joined = client.post("/api/surveys/club/membership", headers=SUB)
    assert joined.json() == {"msisdn": BJ, "member": True, "changed": True}
    assert client.post("/api/surveys/club/membership", headers=SUB).json()["changed"] is False
    signed = client.post(f"/api/surveys/club/events/{eid}/registrations", headers=SUB)
    assert signed.json()["changed"] is True
    [mine] = client.get("/api/surveys/club/events", headers=SUB).json()
    assert mine["mine"] and mine["registered"] == 1 and not mine["attended"]
    present = client.post(
        f"/api/surveys/club/events/{eid}/attendance", json={"msisdn": BJ}, headers=BJ_STAFF
    )
    assert present.status_code == 200
    [mine] = client.get("/api/surveys/club/events", headers=SUB).json()
    assert mine["attended"]
    assert (
        client.post(
            f"/api/surveys/club/events/{eid}/attendance", json={"msisdn": BJ}, headers=SH_STAFF
        ).status_code
        == 403
    )  # another province's line
    assert client.post("/api/surveys/club/events/999/registrations", headers=SUB).status_code == 404
    left = client.delete("/api/surveys/club/membership", headers=SUB)
    assert left.json() == {"msisdn": BJ, "member": False, "changed": True}
    assert client.post("/api/surveys/club/membership", headers=HQ).status_code == 422  # no line


def test_opinions_submit_list_and_moderate(client: TestClient) -> None:
    now = datetime.now(UTC)
    campaign = {
        "code": "ideas-2026",
        "title": "我为移动献一策",
        "starts_at": (now - timedelta(days=1)).isoformat(),
    }
    made = client.post("/api/surveys/campaigns", json=campaign, headers=HQ)
    assert made.status_code == 201 and made.json()["code"] == "IDEAS-2026" and made.json()["open"]
    assert [
        c["code"] for c in client.get("/api/surveys/campaigns?open=true", headers=SUB).json()
    ] == ["IDEAS-2026"]
    opinion = {"kind": "opinion", "category": "network", "text": "地铁里信号差"}
    sent = client.post("/api/surveys/campaigns/ideas-2026/submissions", json=opinion, headers=SUB)
    assert sent.status_code == 201 and sent.json()["state"] == "pending"
    essay = {"kind": "essay", "category": "service", "text": "……"}
    no_title = client.post("/api/surveys/campaigns/IDEAS-2026/submissions", json=essay, headers=SUB)
    assert no_title.status_code == 422 and no_title.json()["code"] == "invalid-input"
    missing = client.post("/api/surveys/campaigns/NOPE/submissions", json=opinion, headers=SUB)
    assert missing.status_code == 404
    mine = client.get("/api/surveys/submissions", headers=SUB)
    assert mine.headers["X-Total-Count"] == "1" and mine.json()[0]["text"] == "地铁里信号差"
    sid = sent.json()["id"]
    pending = client.get("/api/surveys/submissions?state=pending", headers=BJ_STAFF).json()
    assert [p["id"] for p in pending] == [sid]  # a national campaign: every province sees it
    assert (
        client.post(
            f"/api/surveys/submissions/{sid}/moderation", json={"action": "approve"}, headers=SUB
        ).status_code
        == 403
    )
    ok = client.post(
        f"/api/surveys/submissions/{sid}/moderation", json={"action": "approve"}, headers=BJ_STAFF
    )
    assert ok.status_code == 403  # a national campaign is moderated by headquarters
    ok = client.post(
        f"/api/surveys/submissions/{sid}/moderation", json={"action": "approve"}, headers=HQ
    )
    assert ok.json() == {"id": sid, "state": "approved"}
    wrong = client.post(
        f"/api/surveys/submissions/{sid}/moderation", json={"action": "unfeature"}, headers=HQ
    )
    assert wrong.status_code == 409
    featured = client.post(
        f"/api/surveys/submissions/{sid}/moderation", json={"action": "feature"}, headers=HQ
    )
    assert featured.json()["state"] == "featured"


@pytest.mark.demo
def test_a_g3_order_confirmed_by_sms_records_a_g3_contact(
    client: TestClient, sqlite_db: Database
) -> None:
    """The app wires ``orders.hooks.on_subscribed``: ``KTG3YH`` then ``Y`` is a ``g3`` contact."""
    from sqlalchemy import select

    from telcare.store import survey_models as sm

    def mo(text: str) -> str:
        r = client.post("/sms/mo", json={"sender": BJ, "recipient": "10086", "text": text})
        return "".join(m["text"] for m in r.json())

    mo("KTG3YH")
    with sqlite_db.uow() as uow:
        assert uow.session.scalar(select(sm.SurveyContact.id)) is None  # not before Y
    assert "成功订购" in mo("Y")
    with sqlite_db.uow() as uow:
        [(trigger, msisdn)] = uow.session.execute(
            select(sm.SurveyContact.trigger, sm.SurveyContact.msisdn)
        ).all()
    assert (trigger, msisdn) == ("g3", BJ)
