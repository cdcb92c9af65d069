"""The SMS firewall's staff console: decisions feed, review queue, enterprise whitelist."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from telcare.channels.api.app import create_app
from telcare.domain.access import Kind, Principal
from telcare.domain.antispam_rules import SenderStatus
from telcare.services import antispam
from telcare.services.hashing import hash_secret
from telcare.store.models import StaffUser
from telcare.store.uow import Database

HTML = {"accept": "text/html"}
BJ, GD = "13800138000", "13900139000"
SPAM = "恭喜您中奖了，请点击链接领取奖金 http://t.cn/abc"


@pytest.fixture
def client(sqlite_db: Database) -> TestClient:
    with sqlite_db.uow() as uow:
        uow.session.execute(update(StaffUser).values(password_hash=hash_secret("pw-123456")))
        uow.commit()
    return TestClient(create_app(sqlite_db))


def csrf(client: TestClient, path: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path, headers=HTML).text)
    assert match
    return match.group(1)


def login(client: TestClient, user: str) -> None:
    token = csrf(client, "/staff/login")
    client.post(
        "/staff/login",
        data={"csrf_token": token, "username": user, "password": "pw-123456"},
        headers=HTML,
    )


def test_the_console_needs_a_staff_login(client: TestClient) -> None:
    page = client.get("/staff/antispam/firewall", headers=HTML, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/staff/login"


def test_decisions_feed_filters_and_review_queue(sqlite_db: Database, client: TestClient) -> None:
    antispam.deliver_p2p(sqlite_db, BJ, GD, "明天见", message_id="w1")
    antispam.deliver_p2p(sqlite_db, BJ, GD, SPAM, message_id="w2")
    antispam.flag_sender(sqlite_db, BJ, who=Principal(Kind.STAFF, "system", "HQ", "admin"))
    antispam.appeal(sqlite_db, BJ, "我是正常用户，发的是聚会通知")
    login(client, "hq-admin")
    held = client.get("/staff/antispam/firewall?action=quarantine", headers=HTML).text
    assert "http://t.cn/abc" in held and "明天见" not in held
    feed = client.get(f"/staff/antispam/firewall?sender={BJ}", headers=HTML).text
    assert "明天见" in feed and 'id="standing"' in feed and "restricted" in feed
    queue = client.get("/staff/antispam/firewall/review", headers=HTML).text
    assert BJ in queue and "聚会通知" in queue
    token = csrf(client, "/staff/antispam/firewall/review")
    client.post(
        f"/staff/antispam/firewall/review/{BJ}/lift", data={"csrf_token": token}, headers=HTML
    )
    assert antispam.sender_status(sqlite_db, BJ) == SenderStatus.CLEAR.value
    assert BJ not in client.get("/staff/antispam/firewall/review", headers=HTML).text
    token = csrf(client, "/staff/antispam/firewall/review")
    client.post(
        "/staff/antispam/firewall/enterprise",
        data={"csrf_token": token, "sender": GD, "name": "Telcare notices"},
        headers=HTML,
    )
    assert [e.sender for e in antispam.enterprises(sqlite_db)] == [GD]


def test_only_headquarters_staff_change_standing(sqlite_db: Database, client: TestClient) -> None:
    antispam.flag_sender(sqlite_db, BJ, who=Principal(Kind.STAFF, "system", "HQ", "admin"))
    login(client, "bj-agent")
    token = csrf(client, "/staff/antispam/firewall/review")
    answer = client.post(
        f"/staff/antispam/firewall/review/{BJ}/lift", data={"csrf_token": token}, headers=HTML
    )
    assert answer.status_code == 403
    assert antispam.sender_status(sqlite_db, BJ) == SenderStatus.RESTRICTED.value


def test_a_restricted_subscriber_appeals_from_the_hall(sqlite_db: Database) -> None:
    from tests.e2e.test_web_hall import log_in

    antispam.flag_sender(sqlite_db, BJ, who=Principal(Kind.STAFF, "system", "HQ", "admin"))
    antispam.confirm(sqlite_db, BJ, staff="hq-admin")
    assert antispam.review_queue(sqlite_db) == []
    client = TestClient(create_app(sqlite_db))
    token = log_in(client, sqlite_db, BJ)
    assert 'id="appeal"' in client.get("/hall/spam").text
    client.post("/hall/spam/appeal", data={"csrf_token": token, "text": "只是同学聚会通知"})
    [item] = antispam.review_queue(sqlite_db)
    assert (item.sender, item.appeal) == (BJ, "只是同学聚会通知")
    other = TestClient(create_app(sqlite_db))
    log_in(other, sqlite_db, GD)
    assert 'id="appeal"' not in other.get("/hall/spam").text
