"""Partner (SP) pages over HTTP (TestClient): disclosure, SP portal isolation, the staff
console (login, HQ-only runs), and SP services on the hall (pending, confirm, cancel)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from telcare.channels.api.app import create_app
from telcare.demo.partners import seed_partners
from telcare.domain.access import Kind, Principal
from telcare.domain.months import month_of
from telcare.services import hall, orders, partners, selfcare
from telcare.services.hashing import hash_secret
from telcare.store.models import StaffUser
from telcare.store.uow import Database

BJ = "13800138000"
MUSIC, READING = "1066000001", "1066000002"
HTML = {"accept": "text/html"}
SP_PASSWORD = "sp-demo-2024"


@pytest.fixture
def pdb(sqlite_db: Database) -> Database:
    seed_partners(sqlite_db)
    with sqlite_db.uow() as uow:
        uow.session.execute(update(StaffUser).values(password_hash=hash_secret("pw-123456")))
        uow.commit()
    return sqlite_db


@pytest.fixture
def client(pdb: Database) -> TestClient:
    return TestClient(create_app(pdb), headers=HTML)


def token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def form_key(html: str, action: str) -> str:
    found = re.search(rf'action="{re.escape(action)}".*?name="key" value="([^"]+)"', html, re.S)
    assert found, f"no form key for {action}"
    return found.group(1)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def sp_login(client: TestClient, code: str, password: str = SP_PASSWORD) -> str:
    csrf = token(client.get("/sp/login").text)
    page = client.post(
        "/sp/login", data={"csrf_token": csrf, "access_code": code, "password": password}
    )
    return str(page.text)


def staff_login(client: TestClient, user: str) -> str:
    csrf = token(client.get("/staff/login").text)
    home = client.post(
        "/staff/login", data={"csrf_token": csrf, "username": user, "password": "pw-123456"}
    )
    assert "/staff/partners/" in home.text
    return token(home.text)


def hall_login(client: TestClient, db: Database, msisdn: str) -> None:
    csrf = token(client.get("/hall/login").text)
    client.post("/hall/login/code", data={"msisdn": msisdn, "csrf_token": csrf})
    found = re.search(r"\d{6}", hall.recent_sms(db, msisdn)[0].text)
    assert found
    page = client.post(
        "/hall/login", data={"msisdn": msisdn, "code": found.group(0), "csrf_token": csrf}
    )
    assert page.url.path == "/hall/"


def test_disclosure_is_public_and_lists_tier_a_after_the_month_run(
    client: TestClient, pdb: Database
) -> None:
    before = client.get("/partners/disclosed")
    assert before.status_code == 200 and "暂无公示" in before.text
    hq = Principal(Kind.STAFF, "hq-admin", "HQ", "admin")
    partners.record_inspection(pdb, hq, READING, "spam", "bulk SMS")
    for access, code in ((MUSIC, "YY"), (READING, "YD")):  # no subscriber: no tier at all
        partners.request(pdb, BJ, access, code, channel="sms")
        orders.confirm(pdb, BJ)
    month = month_of(datetime.now(UTC))
    partners.run_month(pdb, month)
    page = client.get("/partners/disclosed").text
    assert f'data-sp="{MUSIC}"' in page and f'data-sp="{READING}"' not in page
    assert month in page and "悦听音乐" in page
    csrf = token(page)
    client.post("/hall/lang", data={"csrf_token": csrf, "lang": "en", "next": "/"})
    assert "A-tier service providers" in client.get("/partners/disclosed").text


def test_sp_portal_shows_only_the_own_sp(client: TestClient, pdb: Database) -> None:
    assert client.get("/sp/", follow_redirects=False).headers["location"] == "/sp/login"
    wrong = sp_login(client, READING, "nope")
    assert "接入码或密码错误" in wrong
    hq = Principal(Kind.STAFF, "hq-admin", "HQ", "admin")
    partners.record_inspection(pdb, hq, MUSIC, "inspection_minor", "late reply")
    partners.record_inspection(pdb, hq, READING, "spam", "bulk SMS")
    page = sp_login(client, MUSIC)
    assert f'data-sp="{MUSIC}"' in page and 'data-service="YY"' in page
    assert page.count("data-violation=") == 1 and "检查轻微问题" in page
    assert "天天阅读" not in page and 'data-service="YD"' not in page
    other = client.get("/sp/", params={"code": READING})
    assert other.status_code == 403 and "天天阅读" not in other.text
    # an SP session is not a staff or a subscriber session
    assert client.get("/staff/partners/", follow_redirects=False).status_code == 303
    assert client.get("/hall/sp", follow_redirects=False).headers["location"] == "/hall/login"
    client.post("/sp/logout", data={"csrf_token": token(page)})
    assert client.get("/sp/", follow_redirects=False).status_code == 303


def test_staff_console_needs_login_and_hq_only_runs(client: TestClient, pdb: Database) -> None:
    assert client.get("/staff/partners/", follow_redirects=False).headers["location"] == (
        "/staff/login"
    )
    month = month_of(datetime.now(UTC))
    csrf = staff_login(client, "bj-agent")
    console = client.get("/staff/partners/").text
    assert f'data-sp="{MUSIC}"' in console and "/staff/partners/run-month" not in console
    for path in ("/staff/partners/run-month", "/staff/partners/run-fees"):
        refused = client.post(path, data={"csrf_token": csrf, "month": month})
        assert refused.status_code == 403
    assert client.get("/staff/partners/actions").status_code == 403
    assert partners.disclosed(pdb) == []  # nothing was run
    # an inspection, once per form (the key is its reference)
    key = form_key(console, "/staff/partners/inspections")
    form = {"csrf_token": csrf, "key": key, "access_code": READING, "type": "spam", "evidence": "x"}
    assert "已登记" in client.post("/staff/partners/inspections", data=form).text
    client.post("/staff/partners/inspections", data=form)
    violations = client.get("/staff/partners/violations").text
    assert violations.count("data-violation=") == 1 and "垃圾短信" in violations
    client.post("/staff/logout", data={"csrf_token": csrf})

    csrf = staff_login(client, "hq-admin")
    assert (
        "评价完成"
        in client.post("/staff/partners/run-month", data={"csrf_token": csrf, "month": month}).text
    )
    assert (
        "收费完成"
        in client.post("/staff/partners/run-fees", data={"csrf_token": csrf, "month": month}).text
    )
    actions = client.get("/staff/partners/actions").text
    assert 'data-action="suspend"' in actions and READING in actions
    report = client.get("/staff/partners/report", params={"year": month[:4]}).text
    assert "处理违规" in report and "垃圾短信" in report


def test_hall_order_is_pending_until_confirmed_then_charged_once(
    client: TestClient, pdb: Database
) -> None:
    assert client.get("/hall/sp", follow_redirects=False).status_code == 303
    hall_login(client, pdb, BJ)
    before = selfcare.overview(pdb, BJ).balance_fen
    page = client.get("/hall/sp").text
    assert f'data-sp="{MUSIC}" data-code="YY"' in page
    order = {"csrf_token": token(page), "access_code": MUSIC, "code": "YY"}
    page = client.post("/hall/sp/order", data={**order, "key": form_key(page, "/hall/sp/order")})
    assert "请确认订购" in page.text and 'data-state="pending"' in page.text
    assert selfcare.overview(pdb, BJ).balance_fen == before  # nothing charged yet

    confirm = {"csrf_token": token(page.text), "key": form_key(page.text, "/hall/sp/confirm")}
    done = client.post("/hall/sp/confirm", data=confirm)
    assert "成功订购" in done.text and 'data-state="active"' in done.text
    again = client.post("/hall/sp/confirm", data=confirm)  # a double submit
    assert "成功订购" in again.text
    assert selfcare.overview(pdb, BJ).balance_fen == before - 300

    page = done.text
    sub = re.search(r'data-subscription="(\d+)" data-state="active"', page)
    assert sub
    cancel = {
        "csrf_token": token(page),
        "key": form_key(page, "/hall/sp/cancel"),
        "subscription": sub.group(1),
    }
    gone = client.post("/hall/sp/cancel", data=cancel)
    assert "退订" in gone.text and 'data-state="active"' not in gone.text
    assert client.post("/hall/sp/cancel", data=cancel).status_code == 200  # replayed
    me = Principal(Kind.SUBSCRIBER, BJ, "")
    assert partners.subscriptions(pdb, me, BJ) == []
    assert partners.run_fees(pdb, "2099-01").charged == 0
    assert selfcare.overview(pdb, BJ).balance_fen == before - 300


def test_hall_decline_charges_nothing(client: TestClient, pdb: Database) -> None:
    hall_login(client, pdb, BJ)
    before = selfcare.overview(pdb, BJ).balance_fen
    page = client.get("/hall/sp").text
    order = {"csrf_token": token(page), "access_code": READING, "code": "YD"}
    page = client.post(
        "/hall/sp/order", data={**order, "key": form_key(page, "/hall/sp/order")}
    ).text
    no = {"csrf_token": token(page), "key": form_key(page, "/hall/sp/decline")}
    assert "未收费" in client.post("/hall/sp/decline", data=no).text
    assert selfcare.overview(pdb, BJ).balance_fen == before
