"""The online business hall over HTTP (TestClient): login, CSRF, isolation, language, keys."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from telcare.channels.api.app import create_app
from telcare.domain.subscriptions import OPERATOR_TZ
from telcare.services import auth, charging, hall, selfcare
from telcare.store.models import Subscription
from telcare.store.uow import Database

ZH_USER, EN_USER = "13800138000", "13900139000"


@pytest.fixture
def client(request: pytest.FixtureRequest, sqlite_db: Database) -> TestClient:
    """The app; in demo mode (the SMS simulator) for tests marked ``demo``."""
    return TestClient(
        create_app(sqlite_db, demo=request.node.get_closest_marker("demo") is not None)
    )


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


def last_code(db: Database, msisdn: str) -> str:
    found = re.search(r"\d{6}", hall.recent_sms(db, msisdn)[0].text)
    assert found
    return found.group(0)


def log_in(client: TestClient, db: Database, msisdn: str) -> str:
    """Log in through the pages; returns the new session's CSRF token."""
    csrf = token(client.get("/hall/login").text)
    sent = client.post("/hall/login/code", data={"msisdn": msisdn, "csrf_token": csrf})
    assert sent.status_code == 200 and "code" in sent.text
    page = client.post(
        "/hall/login", data={"msisdn": msisdn, "code": last_code(db, msisdn), "csrf_token": csrf}
    )
    assert page.url.path == "/hall/", text(page.text)
    return token(page.text)


def test_pages_need_a_login(client: TestClient) -> None:
    for path in ("/hall/", "/hall/packages", "/hall/recharge", "/hall/ledger"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/hall/login"
    htmx = client.get("/hall/ledger", headers={"HX-Request": "true"}, follow_redirects=False)
    assert htmx.headers["HX-Redirect"] == "/hall/login"


def test_post_without_the_csrf_token_is_refused(client: TestClient, sqlite_db: Database) -> None:
    assert client.post("/hall/login/code", data={"msisdn": ZH_USER}).status_code == 403
    assert not hall.recent_sms(sqlite_db, ZH_USER)  # no code was sent
    csrf = log_in(client, sqlite_db, ZH_USER)
    card = {"card": "1000000000000001", "pin": "123456", "key": "web:k1"}
    for bad in ({}, {"csrf_token": "forged"}, {"csrf_token": csrf + "x"}):
        refused = client.post("/hall/recharge", data={**card, **bad})
        assert refused.status_code == 403 and "刷新" in refused.text
    forged = client.post("/hall/recharge", headers={"X-CSRF-Token": "forged"}, data=card)
    assert forged.status_code == 403
    assert selfcare.overview(sqlite_db, ZH_USER).balance_fen == 10000
    # a token from another session does not work either
    other = TestClient(client.app)
    other_token = token(other.get("/hall/login").text)
    assert (
        client.post("/hall/recharge", data={**card, "csrf_token": other_token}).status_code == 403
    )
    ok = client.post("/hall/recharge", data={**card, "csrf_token": csrf})
    assert ok.status_code == 200 and "150.00" in ok.text
    # the htmx header is accepted in place of the form field
    assert client.post("/hall/lang", data={"lang": "en"}, headers={"X-CSRF-Token": csrf}).is_success


def test_login_code_is_single_use(client: TestClient, sqlite_db: Database) -> None:
    csrf = log_in(client, sqlite_db, ZH_USER)
    code = last_code(sqlite_db, ZH_USER)
    client.post("/hall/logout", data={"csrf_token": csrf})
    assert client.get("/hall/", follow_redirects=False).status_code == 303
    csrf = token(client.get("/hall/login").text)
    again = client.post("/hall/login", data={"msisdn": ZH_USER, "code": code, "csrf_token": csrf})
    assert again.url.path == "/hall/login" and "验证码已失效" in again.text
    assert client.get("/hall/", follow_redirects=False).status_code == 303


def test_login_code_expires_and_wrong_codes_are_counted(
    client: TestClient, sqlite_db: Database
) -> None:
    old = auth.request_login_code(sqlite_db, ZH_USER, now=datetime.now(UTC) - timedelta(minutes=6))
    csrf = token(client.get("/hall/login").text)
    late = client.post("/hall/login", data={"msisdn": ZH_USER, "code": old, "csrf_token": csrf})
    assert "验证码已失效" in late.text and late.url.path == "/hall/login"
    client.post("/hall/login/code", data={"msisdn": ZH_USER, "csrf_token": csrf})
    wrong = "000000" if last_code(sqlite_db, ZH_USER) != "000000" else "111111"
    bad = client.post("/hall/login", data={"msisdn": ZH_USER, "code": wrong, "csrf_token": csrf})
    assert "验证码错误，还可尝试4次" in bad.text
    assert client.get("/hall/", follow_redirects=False).status_code == 303


def test_login_codes_are_rate_limited(client: TestClient, sqlite_db: Database) -> None:
    csrf = token(client.get("/hall/login").text)
    client.post("/hall/login/code", data={"msisdn": ZH_USER, "csrf_token": csrf})
    again = client.post("/hall/login/code", data={"msisdn": ZH_USER, "csrf_token": csrf})
    assert "验证码请求过于频繁" in again.text
    assert len(hall.recent_sms(sqlite_db, ZH_USER)) == 1
    unknown = client.post("/hall/login/code", data={"msisdn": "12345", "csrf_token": csrf})
    assert "无效" in unknown.text


def test_a_subscriber_sees_only_their_own_line(client: TestClient, sqlite_db: Database) -> None:
    log_in(client, sqlite_db, ZH_USER)
    other = TestClient(client.app)
    log_in(other, sqlite_db, EN_USER)
    mine = text(client.get("/hall/", params={"msisdn": EN_USER}).text)
    assert ZH_USER in mine and "100.00" in mine and EN_USER not in mine
    theirs = text(other.get("/hall/").text)
    assert EN_USER in theirs and "30.00" in theirs and ZH_USER not in theirs
    ledger = text(client.get("/hall/ledger", params={"msisdn": EN_USER}).text)
    assert "100.00" in ledger and "30.00" not in ledger
    # a tampered session cookie is no login at all
    cookie = client.cookies["telcare_session"]
    forged = TestClient(client.app, cookies={"telcare_session": cookie[:-4] + "AAAA"})
    assert forged.get("/hall/", follow_redirects=False).status_code == 303


def test_language_default_switch_and_english_subscribers(
    client: TestClient, sqlite_db: Database
) -> None:
    login = client.get("/hall/login").text
    assert 'lang="zh-CN"' in login and "获取验证码" in login
    csrf = token(login)
    english = client.post(
        "/hall/lang", data={"lang": "en", "next": "/hall/login", "csrf_token": csrf}
    )
    assert 'lang="en"' in english.text and "Send me a code" in english.text
    back = client.post(
        "/hall/lang", data={"lang": "zh", "next": "//evil.example", "csrf_token": csrf}
    )
    assert back.url.path == "/" and 'lang="zh-CN"' in back.text
    # an English subscriber sees English after logging in, and may switch to Chinese
    other = TestClient(client.app)
    csrf = log_in(other, sqlite_db, EN_USER)
    page = other.get("/hall/").text
    assert 'lang="en"' in page and "Balance" in page and "30.00 yuan" in page
    zh = other.post("/hall/lang", data={"lang": "zh", "next": "/hall/", "csrf_token": csrf})
    assert "账户余额" in zh.text


def test_charged_order_needs_the_confirm_step_and_a_double_submit_acts_once(
    client: TestClient, sqlite_db: Database
) -> None:
    csrf = log_in(client, sqlite_db, ZH_USER)
    catalog = client.get("/hall/packages").text
    assert "G3YH" in catalog and "QQT88" in catalog
    order = {"code": "G3YH", "key": form_key(catalog, "/hall/packages/order"), "csrf_token": csrf}
    pending = client.post("/hall/packages/order", data=order).text
    assert "请确认订购" in pending and "1.00元/月" in pending
    assert selfcare.overview(sqlite_db, ZH_USER).balance_fen == 10000  # nothing charged yet
    confirm = {"key": form_key(pending, "/hall/packages/confirm"), "csrf_token": csrf}
    first = text(client.post("/hall/packages/confirm", data=confirm).text)
    second = text(client.post("/hall/packages/confirm", data=confirm).text)
    assert "您已成功订购1元G3优惠包" in first and "您已成功订购1元G3优惠包" in second
    assert selfcare.overview(sqlite_db, ZH_USER).balance_fen == 9900
    rows, total = hall.ledger_history(sqlite_db, ZH_USER, kind="charge")
    assert total == 1 and rows[0].amount_fen == -100
    # cancelling: once, effective at month end
    page = client.get("/hall/packages").text
    cancel = {"code": "G3YH", "key": form_key(page, "/hall/packages/cancel"), "csrf_token": csrf}
    assert "您已退订1元G3优惠包" in client.post("/hall/packages/cancel", data=cancel).text
    assert "您已退订1元G3优惠包" in client.post("/hall/packages/cancel", data=cancel).text


def test_declining_charges_nothing(client: TestClient, sqlite_db: Database) -> None:
    csrf = log_in(client, sqlite_db, ZH_USER)
    catalog = client.get("/hall/packages").text
    order = {"code": "G3YH", "key": form_key(catalog, "/hall/packages/order"), "csrf_token": csrf}
    pending = client.post("/hall/packages/order", data=order).text
    decline = {"key": form_key(pending, "/hall/packages/decline"), "csrf_token": csrf}
    done = client.post("/hall/packages/decline", data=decline).text
    assert "未扣费" in done and "请确认订购" not in done
    assert selfcare.overview(sqlite_db, ZH_USER).balance_fen == 10000


def test_recharge_key_makes_a_double_submit_one_credit(
    client: TestClient, sqlite_db: Database
) -> None:
    csrf = log_in(client, sqlite_db, ZH_USER)
    key = form_key(client.get("/hall/recharge").text, "/hall/recharge")
    card = {"card": "1000000000000001", "pin": "123456", "key": key, "csrf_token": csrf}
    assert "150.00" in client.post("/hall/recharge", data=card).text
    assert "150.00" in client.post("/hall/recharge", data=card).text
    assert selfcare.overview(sqlite_db, ZH_USER).balance_fen == 15000
    wrong = {**card, "pin": "000000", "key": "web:other"}
    assert "还可尝试4次" in client.post("/hall/recharge", data=wrong).text


def test_ledger_filters_and_paging(client: TestClient, sqlite_db: Database) -> None:
    log_in(client, sqlite_db, ZH_USER)
    everything = text(client.get("/hall/ledger").text)
    assert "共1条" in everything and "+100.00" in everything
    assert "共0条" in text(client.get("/hall/ledger", params={"kind": "charge"}).text)
    today = datetime.now(UTC).date()
    future = (today + timedelta(days=3)).isoformat()
    assert "共0条" in text(client.get("/hall/ledger", params={"since": future}).text)
    bad = client.get("/hall/ledger", params={"since": "2026-02-30"})
    assert bad.status_code == 200 and "无效" in bad.text
    assert (
        "开始日期晚于结束日期"
        in client.get("/hall/ledger", params={"since": "2026-03-02", "until": "2026-03-01"}).text
    )
    assert "未知的账目类型" in client.get("/hall/ledger", params={"kind": "gift"}).text


def test_reminder_switch(client: TestClient, sqlite_db: Database) -> None:
    csrf = log_in(client, sqlite_db, ZH_USER)
    page = client.get("/hall/").text
    assert "关闭提醒" in page
    off = {"on": "0", "key": form_key(page, "/hall/reminder"), "csrf_token": csrf}
    assert "流量提醒已关闭" in client.post("/hall/reminder", data=off).text
    assert "开启提醒" in client.get("/hall/").text


def test_overview_shows_the_month_s_use_allowance_left_and_charges_after_a_rated_file(
    client: TestClient, sqlite_db: Database, tmp_path: Path
) -> None:
    month_start = datetime.now(OPERATOR_TZ).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0
    )
    with sqlite_db.uow() as uow:
        uow.session.execute(update(Subscription).values(starts_at=month_start))
        uow.commit()
    at = month_start.replace(hour=9).isoformat()
    usage = tmp_path / "usage.csv"
    usage.write_text(
        "record_id,msisdn,service,started_at,volume,roaming,peer\n"
        f"u1,{ZH_USER},data,{at},{100 * 1024},0,\n"  # 100 of the plan's 150 MB
        f"u2,{ZH_USER},voice,{at},61,0,13900139000\n"  # 2 of 450 minutes
        f"u3,{ZH_USER},data,{at},500,1,\n"  # roaming: 500 KB at 0.01 yuan, outside the plan
    )
    assert charging.ingest(sqlite_db, usage).rated == 3
    log_in(client, sqlite_db, ZH_USER)
    page = text(client.get("/hall/").text)
    assert "已用100MB / 共150MB，剩余50MB" in page
    assert "已用2分钟 / 共450分钟，剩余448分钟" in page
    assert "本月已用：数据100.5MB，通话2分钟" in page
    assert "本月套餐外费用：5.00元" in page


@pytest.mark.demo
def test_sms_simulator_page_runs_the_dispatcher_and_shows_the_outbox(
    client: TestClient, sqlite_db: Database
) -> None:
    page = client.get("/sms/simulator").text
    assert "<form" in page and 'name="text"' in page
    auth.request_login_code(sqlite_db, ZH_USER)
    form = {"sender": ZH_USER, "recipient": "10086", "text": "cxye", "csrf_token": token(page)}
    sent = text(client.post("/sms/simulator", data={**form, "key": "sim-1"}).text)
    assert "您的账户余额为100.00元" in sent and "登录验证码为" in sent
    assert "登录验证码为" in client.get("/sms/simulator", params={"msisdn": ZH_USER}).text
    assert (
        client.post("/sms/simulator", data={**form, "key": "sim-2", "csrf_token": ""}).status_code
        == 403
    )


def test_form_keys_are_scoped_to_their_caller(client: TestClient, sqlite_db: Database) -> None:
    """Issue #15, finding 9: a key typed into one subscriber's form cannot claim the key
    the API keeps for another subscriber's ``Idempotency-Key`` (``api:<subject>:<key>``)."""
    csrf = log_in(client, sqlite_db, ZH_USER)
    other = "13900139000"
    client.post(
        "/hall/packages/order",
        data={"code": "G3YH", "key": f"api:{other}:k1", "csrf_token": csrf},
    )
    api = TestClient(create_app(sqlite_db))
    sent = api.post("/tmf-api/auth/otp", json={"msisdn": other})
    assert sent.status_code == 202
    code = re.search(r"\d{6}", hall.recent_sms(sqlite_db, other)[0].text)
    assert code
    granted = api.post(
        "/tmf-api/auth/token", json={"grant_type": "otp", "msisdn": other, "code": code.group()}
    )
    headers = {"Authorization": f"Bearer {granted.json()['access_token']}", "Idempotency-Key": "k1"}
    body = {"productOrderItem": [{"action": "add", "productOffering": {"id": "G3YH"}}]}
    created = api.post(
        "/tmf-api/productOrderingManagement/v4/productOrder", json=body, headers=headers
    )
    assert created.status_code == 201, created.text  # before: 409, the key was taken
