"""Club and opinion pages over HTTP (``/hall/club``, ``/staff/club``) and the staff
page that records shop visits and closed calls (``/staff/surveys/contacts``)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from telcare.domain.access import Kind, Principal
from telcare.services import club
from telcare.store import survey_models as sm
from telcare.store.uow import Database
from tests.e2e.test_web_hall import log_in, text, token
from tests.e2e.test_web_surveys import HTML, client, staff_login  # noqa: F401 - fixture

BJ = "13800138000"
HQ = Principal(Kind.STAFF, "hq-admin", "HQ", "admin")


def test_staff_record_a_visit_and_a_call(client: TestClient, sqlite_db: Database) -> None:  # noqa: F811
    csrf = staff_login(client, "bj-agent")
    assert "/staff/club/" in client.get("/staff/", headers=HTML).text
    form = client.get("/staff/surveys/contacts", headers=HTML).text
    visit_id = re.search(r'name="visit_id" value="([^"]+)"', form)
    assert visit_id and 'id="record-call"' in form
    data = {"csrf_token": csrf, "msisdn": BJ, "shop": "bj001", "visit_id": visit_id.group(1)}
    assert client.post("/staff/surveys/visits", data={**data, "csrf_token": "x"}).status_code == 403
    first = text(client.post("/staff/surveys/visits", data=data, headers=HTML).text)
    assert "已登记" in first
    again = text(client.post("/staff/surveys/visits", data=data, headers=HTML).text)
    assert "该接触已登记过" in again  # a double submit is one visit
    call = {"csrf_token": csrf, "msisdn": BJ, "call_id": "call-77"}
    assert "已登记" in text(client.post("/staff/surveys/calls", data=call, headers=HTML).text)
    bad = {**call, "msisdn": "123", "call_id": "call-78"}
    assert "号码" in text(client.post("/staff/surveys/calls", data=bad, headers=HTML).text)
    with sqlite_db.uow() as uow:
        rows = uow.session.execute(
            select(
                sm.SurveyContact.trigger, sm.SurveyContact.shop_code, sm.SurveyContact.agent
            ).order_by(sm.SurveyContact.id)
        ).all()
    assert [tuple(r) for r in rows] == [("shop", "BJ001", None), ("hotline", None, "bj-agent")]
    anonymous = TestClient(client.app)
    page = anonymous.get("/staff/surveys/contacts", headers=HTML, follow_redirects=False)
    assert page.status_code == 303


def test_club_in_the_hall_and_moderation_by_staff(client: TestClient, sqlite_db: Database) -> None:  # noqa: F811
    now = datetime.now(UTC)
    event = club.create_event(
        sqlite_db, HQ, "hotline_tour", "参观10086客服中心", now + timedelta(days=2), capacity=5
    )
    club.create_campaign(sqlite_db, HQ, "IDEAS", "我为移动献一策", now - timedelta(days=1))
    assert client.get("/hall/club", follow_redirects=False).status_code == 303
    csrf = log_in(client, sqlite_db, BJ)
    hall = text(client.get("/hall/club").text)
    assert "加入俱乐部" in hall and "参观10086客服中心" in hall and "我为移动献一策" in hall
    assert f'action="/hall/club/events/{event}"' not in client.get("/hall/club").text
    joined = client.post("/hall/club/join", data={"csrf_token": csrf})
    assert "欢迎加入客户俱乐部" in text(joined.text)
    signed = client.post(f"/hall/club/events/{event}", data={"csrf_token": csrf})
    assert "报名成功" in text(signed.text) and "已报名" in text(signed.text)
    opinion = {
        "csrf_token": csrf,
        "campaign": "IDEAS",
        "kind": "opinion",
        "category": "network",
        "text": "地铁里信号差",
    }
    sent = client.post("/hall/club/opinions", data=opinion)
    assert "审核后展示" in text(sent.text) and "待审核" in text(sent.text)
    essay = {**opinion, "kind": "essay", "text": "我和移动的故事"}
    assert "征文请填写标题" in text(client.post("/hall/club/opinions", data=essay).text)
    essay["title"] = "十年"
    assert "审核后展示" in text(client.post("/hall/club/opinions", data=essay).text)

    staff = TestClient(client.app)
    scsrf = staff_login(staff, "hq-admin")
    console = staff.get("/staff/club/", headers=HTML).text
    assert "会员1人" in text(console) and "意见1条，征文1篇" in text(console)
    [first, second] = [int(i) for i in re.findall(r'id="submission-(\d+)"', console)]
    approved = staff.post(
        f"/staff/club/submissions/{second}",
        data={"csrf_token": scsrf, "action": "approve"},
        headers=HTML,
    )
    assert "状态：approved" in text(approved.text)
    wrong = staff.post(
        f"/staff/club/submissions/{first}",
        data={"csrf_token": scsrf, "action": "unfeature"},
        headers=HTML,
    )
    assert "不能执行" in text(wrong.text)
    present = staff.post(
        f"/staff/club/events/{event}/attendance",
        data={"csrf_token": scsrf, "msisdn": BJ},
        headers=HTML,
    )
    assert "已签到" in text(present.text)
    assert "已出席" in text(client.get("/hall/club").text)
    made = staff.post(
        "/staff/club/events",
        data={
            "csrf_token": scsrf,
            "kind": "meeting",
            "title": "用户座谈会",
            "starts_at": "2030-05-01T14:30",
        },
        headers=HTML,
    )
    assert "已创建" in text(made.text) and "2030-05-01 14:30" in made.text
    bad = staff.post(
        "/staff/club/campaigns",
        data={"csrf_token": scsrf, "code": "X", "title": "x", "starts_at": "soon"},
        headers=HTML,
    )
    assert "时间格式不正确" in text(bad.text)
    left = client.post("/hall/club/leave", data={"csrf_token": csrf})
    assert "已退出" in text(left.text) and "加入俱乐部" in text(left.text)
    assert token(left.text)
