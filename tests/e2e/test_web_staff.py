"""Staff sign-in for the console pages."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from telcare.channels.api.app import create_app
from telcare.services.hashing import hash_secret
from telcare.store.models import StaffUser
from telcare.store.uow import Database

HTML = {"accept": "text/html"}


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


def test_console_needs_a_staff_login(client: TestClient) -> None:
    page = client.get("/staff/antispam/", headers=HTML, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/staff/login"
    api = client.get("/staff/antispam/", headers={"accept": "application/json"})
    assert api.status_code == 401
    assert api.headers["content-type"].startswith("application/problem+json")


def test_sign_in_see_the_console_and_sign_out(client: TestClient) -> None:
    token = csrf(client, "/staff/login")
    wrong = client.post(
        "/staff/login",
        data={"csrf_token": token, "username": "bj-agent", "password": "nope"},
        headers=HTML,
    )
    assert "用户名或密码错误" in wrong.text
    token = csrf(client, "/staff/login")
    home = client.post(
        "/staff/login",
        data={"csrf_token": token, "username": "bj-agent", "password": "pw-123456"},
        headers=HTML,
    )
    assert "bj-agent（北京，坐席）" in home.text and "/staff/antispam/" in home.text
    assert client.get("/staff/antispam/", headers=HTML).status_code == 200
    client.post("/staff/logout", data={"csrf_token": csrf(client, "/staff/")}, headers=HTML)
    after = client.get("/staff/", headers=HTML, follow_redirects=False)
    assert after.status_code == 303


def test_sign_in_needs_csrf(client: TestClient) -> None:
    refused = client.post("/staff/login", data={"username": "hq-admin", "password": "pw-123456"})
    assert refused.status_code == 403
