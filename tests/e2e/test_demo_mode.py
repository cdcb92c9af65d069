"""Demo mode is explicit: only a demo app mounts the SMS simulator (which reads any line's
login code and sends SMS as any number, no login) and every one of its pages says so."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from telcare.channels.api.app import create_app
from telcare.services import hall, selfcare
from telcare.store.uow import Database

BJ = "13800138000"
OTP = "/tmf-api/auth/otp"
BANNER_ZH = "演示模式：短信模拟器已开启"
BANNER_EN = "Demo mode: the SMS simulator is on"


def mo(client: TestClient, text: str) -> int:
    return client.post(
        "/sms/mo", json={"sender": BJ, "recipient": "10086", "text": text}
    ).status_code


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


@pytest.fixture
def production(sqlite_db: Database) -> TestClient:
    return TestClient(create_app(sqlite_db, demo=False))


@pytest.fixture
def demo(sqlite_db: Database) -> TestClient:
    return TestClient(create_app(sqlite_db, demo=True))


def test_production_mounts_no_simulator(production: TestClient) -> None:
    assert mo(production, "CXYE") == 404
    assert production.get("/sms/simulator").status_code == 404
    assert production.get("/sms/simulator", params={"msisdn": BJ}).status_code == 404
    assert production.post("/sms/simulator", data={"sender": BJ, "text": "CXYE"}).status_code == 404
    paths = production.get("/openapi.json").json()["paths"]
    assert not [p for p in paths if p.startswith("/sms")]


def test_production_default_is_not_demo(sqlite_db: Database) -> None:
    """``create_app(db)`` follows ``TELCARE_DEMO``, which is off unless set."""
    client = TestClient(create_app(sqlite_db))
    assert mo(client, "CXYE") == 404
    assert client.get("/sms/simulator").status_code == 404


def test_the_old_exploit_fails_in_production(production: TestClient, sqlite_db: Database) -> None:
    """Ask for a line's login code, then read it on the simulator; order and confirm by MO."""
    before = selfcare.overview(sqlite_db, BJ).balance_fen
    assert production.post(OTP, json={"msisdn": BJ}).status_code == 202
    page = production.get("/sms/simulator", params={"msisdn": BJ})
    assert page.status_code == 404 and not re.search(r"\d{6}", page.text)
    assert mo(production, "KTG3YH") == 404 and mo(production, "Y") == 404
    assert selfcare.overview(sqlite_db, BJ).balance_fen == before


def code_step(client: TestClient) -> str:
    """The login page that asks for the code just sent to ``BJ``."""
    form = {"msisdn": BJ, "csrf_token": csrf(client.get("/hall/login").text)}
    sent = client.post("/hall/login/code", data=form)
    assert sent.status_code == 200 and 'name="code"' in sent.text
    return sent.text


def test_production_pages_carry_no_banner_nor_simulator_links(production: TestClient) -> None:
    for path in ("/", "/hall/login", "/staff/login"):
        html = production.get(path).text
        assert BANNER_ZH not in html and "/sms/simulator" not in html, path
    html = code_step(production)
    assert BANNER_ZH not in html and "/sms/simulator" not in html


def test_demo_login_points_to_the_simulator(demo: TestClient) -> None:
    html = code_step(demo)
    assert BANNER_ZH in html and f"/sms/simulator?msisdn={BJ}" in html


def test_demo_mounts_the_simulator(demo: TestClient, sqlite_db: Database) -> None:
    assert demo.post(OTP, json={"msisdn": BJ}).status_code == 202
    code = re.search(r"\d{6}", hall.recent_sms(sqlite_db, BJ)[0].text)
    assert code
    page = demo.get("/sms/simulator", params={"msisdn": BJ})
    assert page.status_code == 200 and code.group(0) in page.text
    assert mo(demo, "CXYE") == 200
    assert "/sms/mo" in demo.get("/openapi.json").json()["paths"]


@pytest.mark.parametrize("path", ["/", "/hall/login", "/sms/simulator", "/staff/login"])
def test_demo_pages_show_the_banner_in_both_languages(demo: TestClient, path: str) -> None:
    zh = demo.get(path)
    assert zh.status_code == 200 and BANNER_ZH in zh.text and "请勿用于生产" in zh.text
    switched = demo.post(
        "/hall/lang", data={"lang": "en", "next": path, "csrf_token": csrf(zh.text)}
    )
    assert switched.status_code == 200 and switched.url.path == path
    assert BANNER_EN in switched.text and "Do not use in production" in switched.text
    assert BANNER_ZH not in switched.text
