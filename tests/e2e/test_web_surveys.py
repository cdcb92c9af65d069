"""Survey pages over HTTP: the online survey in the hall and the staff console."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from telcare.channels.api.app import create_app
from telcare.services import surveys
from telcare.services.hashing import hash_secret
from telcare.store.models import StaffUser
from telcare.store.uow import Database
from tests.clock import office_hours_today
from tests.e2e.test_web_hall import log_in, text, token

HTML = {"accept": "text/html"}
BJ = "13800138000"


@pytest.fixture
def client(sqlite_db: Database) -> TestClient:
    with sqlite_db.uow() as uow:
        uow.session.execute(update(StaffUser).values(password_hash=hash_secret("pw-123456")))
        uow.commit()
    return TestClient(create_app(sqlite_db))


def staff_login(client: TestClient, user: str) -> str:
    csrf = token(client.get("/staff/login", headers=HTML).text)
    home = client.post(
        "/staff/login",
        data={"csrf_token": csrf, "username": user, "password": "pw-123456"},
        headers=HTML,
    )
    assert "/staff/surveys/" in home.text
    return token(home.text)


def test_online_survey_in_the_hall(client: TestClient, sqlite_db: Database) -> None:
    assert client.get("/hall/survey", follow_redirects=False).status_code == 303
    csrf = log_in(client, sqlite_db, BJ)
    form = client.get("/hall/survey").text
    assert 'id="survey-form"' in form and "网上营业厅" in form
    assert client.post("/hall/survey", data={"overall": "5"}).status_code == 403  # no CSRF
    bad = client.post("/hall/survey", data={"csrf_token": csrf, "overall": "9"})
    assert "请回复1至5" in text(bad.text)
    done = client.post(
        "/hall/survey",
        data={"csrf_token": csrf, "survey_id": "", "overall": "2", "ease": "一般", "comment": "慢"},
    )
    assert "很抱歉" in text(done.text) and 'id="no-survey"' in done.text
    [row] = surveys.scores(sqlite_db, ("channel",))
    assert (row.key, row.count, row.mean) == (("online",), 1, 2.0)


def test_staff_scores_templates_and_one_click_ticket(
    client: TestClient, sqlite_db: Database
) -> None:
    noon = office_hours_today()  # surveys wait out quiet hours: keep the test off the clock
    surveys.send_now(sqlite_db, BJ, "shop", now=noon)
    surveys.handle_reply(sqlite_db, BJ, "1 排队太久", now=noon + timedelta(minutes=5))
    csrf = staff_login(client, "bj-agent")
    scores = text(client.get("/staff/surveys/", headers=HTML).text)
    assert "北京" in scores and "0.0%" in scores
    by = client.get("/staff/surveys/?by=template,version", headers=HTML).text
    assert "SHOP" in by
    page = client.get("/staff/surveys/templates", headers=HTML).text
    assert 'id="template-SHOP"' in page
    shop_section = page.split('id="template-SHOP"')[1].split("</section>")[0]
    assert "<textarea" not in shop_section  # a province cannot change an HQ template
    refused = client.post(
        "/staff/surveys/templates",
        data={"csrf_token": csrf, "code": "SHOP", "spec": '{"name_zh": "x"}'},
        headers=HTML,
    )
    assert "只有总部" in text(refused.text)
    question = {"id": "q", "kind": "scale5", "text_zh": "满意吗？"}
    own = json.dumps({"name_zh": "北京营业厅", "trigger": "shop", "questions": [question]})
    saved = client.post(
        "/staff/surveys/templates",
        data={"csrf_token": csrf, "code": "shop-bj", "spec": own},
        headers=HTML,
    )
    assert "已保存SHOP-BJ第1版" in text(saved.text)
    follow = client.get("/staff/surveys/follow-ups", headers=HTML).text
    assert "排队太久" in follow
    action = re.search(r'action="(/staff/surveys/\d+/ticket)"', follow)
    assert action
    opened = client.post(action.group(1), data={"csrf_token": csrf}, headers=HTML)
    assert "已生成工单BJ-" in text(opened.text)
