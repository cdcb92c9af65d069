"""The points mall over HTTP: business hall pages, the merchant page, the staff console
and the TMF658-style API, on the real app (TestClient)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from telcare.channels.api.app import create_app
from telcare.config import secret_key
from telcare.demo.loyalty import seed_loyalty
from telcare.domain.access import Kind, Principal
from telcare.services import auth, hall, loyalty, selfcare
from telcare.store.uow import Database

BJ, GD = "13800138000", "13900139000"


@pytest.fixture
def ldb(sqlite_db: Database) -> Database:
    seed_loyalty(sqlite_db)
    loyalty.set_merchant_password(sqlite_db, "M0002", "check-pass")
    loyalty.set_merchant_password(sqlite_db, "M0001", "duck-pass")
    return sqlite_db


@pytest.fixture
def client(ldb: Database) -> TestClient:
    return TestClient(create_app(ldb))


def token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def log_in(client: TestClient, db: Database, msisdn: str) -> str:
    csrf = token(client.get("/hall/login").text)
    client.post("/hall/login/code", data={"msisdn": msisdn, "csrf_token": csrf})
    code = re.search(r"\d{6}", hall.recent_sms(db, msisdn)[0].text)
    assert code
    page = client.post(
        "/hall/login", data={"msisdn": msisdn, "code": code.group(0), "csrf_token": csrf}
    )
    return token(page.text)


def bearer(who: Principal) -> dict[str, str]:
    return {"Authorization": f"Bearer {auth.issue_token(who, secret_key())}"}


def test_hall_redeem_follow_and_cancel(client: TestClient, ldb: Database) -> None:
    csrf = log_in(client, ldb, BJ)
    mall = client.get("/hall/points")
    assert "G002" in mall.text and "东长安街1号" in mall.text
    assert "G002" in client.get("/hall/points", params={"q": "雨伞"}).text
    assert "G001" not in client.get("/hall/points", params={"q": "雨伞"}).text
    assert client.post("/hall/points/redeem", data={"code": "G002"}).status_code == 403
    page = client.post("/hall/points/redeem", data={"code": "G002", "csrf_token": csrf})
    assert 'id="redeem-panel"' in page.text
    points = selfcare.overview(ldb, BJ).points
    done = client.post("/hall/points/confirm", data={"csrf_token": csrf})
    assert done.url.path == "/hall/points/orders"
    assert "兑换成功" in text(done.text) and "浙江" in text(done.text)
    assert "跨省配送" in done.text
    assert selfcare.overview(ldb, BJ).points == points - 600
    order_id = re.search(r'data-order="(\d+)"', done.text)
    assert order_id
    cancelled = client.post(
        f"/hall/points/orders/{order_id.group(1)}/cancel", data={"csrf_token": csrf}
    )
    assert "600积分已退还" in text(cancelled.text)
    assert 'data-state="cancelled"' in cancelled.text
    assert selfcare.overview(ldb, BJ).points == points


def test_hall_address_and_code_with_qr(client: TestClient, ldb: Database) -> None:
    csrf = log_in(client, ldb, GD)
    saved = client.post(
        "/hall/points/address",
        data={
            "csrf_token": csrf,
            "recipient": "Li Na",
            "phone": "13900139000",
            "province": "HI",
            "city": "Haikou",
            "street": "1 Binhai Ave",
        },
    )
    assert "Address saved." in saved.text or "收货地址已保存" in saved.text
    assert loyalty.default_address(ldb, GD) is not None
    client.post("/hall/points/redeem", data={"code": "G002", "csrf_token": csrf})
    client.post("/hall/points/confirm", data={"csrf_token": csrf})
    (order,) = loyalty.my_orders(ldb, GD)
    assert order.warehouse == "GD" and order.address.province == "HI"


def test_merchant_page_honours_a_code_once(client: TestClient, ldb: Database) -> None:
    loyalty.request_redemption(ldb, BJ, "M201", channel="web")
    code = loyalty.confirm_redemption(ldb, BJ).code
    assert code
    csrf = log_in(client, ldb, BJ)
    codes = client.get("/hall/points/codes")
    assert code in codes.text and "<svg" in codes.text
    merchant = TestClient(client.app)
    csrf = token(merchant.get("/merchant").text)
    bad = merchant.post(
        "/merchant/login", data={"merchant": "M0002", "password": "x", "csrf_token": csrf}
    )
    assert "商户编号或密码错误" in bad.text
    merchant.post(
        "/merchant/login",
        data={"merchant": "M0002", "password": "check-pass", "csrf_token": csrf},
    )
    first = merchant.post("/merchant/verify", data={"code": code, "csrf_token": csrf})
    assert "验证成功" in first.text and "138****8000" in first.text
    second = merchant.post("/merchant/verify", data={"code": code, "csrf_token": csrf})
    assert "不能重复使用" in text(second.text)


def test_staff_console(client: TestClient, ldb: Database) -> None:
    loyalty.request_redemption(ldb, BJ, "G001", channel="web")
    order_id = loyalty.confirm_redemption(ldb, BJ).order_id
    assert client.get("/staff/loyalty", follow_redirects=False).status_code in (303, 401)
    hq = bearer(Principal(Kind.STAFF, "hq-admin", "HQ", "admin"))
    bj = bearer(Principal(Kind.STAFF, "bj-agent", "BJ", "agent"))
    assert "G003" in client.get("/staff/loyalty", headers=hq).text
    queue = client.get("/staff/loyalty/orders", headers=bj)
    assert f'data-order="{order_id}"' in queue.text
    gd = bearer(Principal(Kind.STAFF, "gd-agent", "GD", "agent"))
    assert f'data-order="{order_id}"' not in client.get("/staff/loyalty/orders", headers=gd).text
    loyalty.advance_order(ldb, Principal(Kind.STAFF, "bj-agent", "BJ", "agent"), order_id, "picked")
    csv = client.get("/staff/loyalty/settlement.csv", headers=hq)
    assert csv.status_code == 200 and csv.text.lstrip("\ufeff").startswith("month,")


def test_api_loyalty(client: TestClient, ldb: Database) -> None:
    me = bearer(Principal(Kind.SUBSCRIBER, BJ, "BJ"))
    base = "/tmf-api/loyaltyManagement/v4"
    account = client.get(f"{base}/loyaltyAccount", headers=me).json()
    assert account[0]["balance"][0]["amount"] >= 5000
    products = client.get(f"{base}/loyaltyProduct", headers=me).json()
    assert "M201" in {p["id"] for p in products}
    started = client.post(f"{base}/loyaltyRedemption", json={"giftCode": "M201"}, headers=me)
    assert started.status_code == 201 and started.json()["state"] == "pending"
    rid = started.json()["id"]
    done = client.patch(f"{base}/loyaltyRedemption/{rid}", json={"state": "confirmed"}, headers=me)
    assert done.status_code == 200, done.text
    code = done.json()["redemptionCode"]
    assert len(code) == 8
    merchant = client.post(
        f"{base}/merchant/token", json={"merchant": "M0002", "password": "check-pass"}
    ).json()["access_token"]
    as_merchant = {"Authorization": f"Bearer {merchant}"}
    other = client.post(
        f"{base}/merchant/token", json={"merchant": "M0001", "password": "duck-pass"}
    ).json()["access_token"]
    refused = client.post(
        f"{base}/codeVerification",
        json={"code": code},
        headers={"Authorization": f"Bearer {other}"},
    )
    assert refused.status_code == 404
    ok = client.post(f"{base}/codeVerification", json={"code": code}, headers=as_merchant)
    assert ok.status_code == 200 and ok.json()["state"] == "honoured"
    again = client.post(f"{base}/codeVerification", json={"code": code}, headers=as_merchant)
    assert again.status_code == 409
    assert (
        "already used"
        in client.post(
            f"{base}/codeVerification",
            json={"code": code},
            headers={**as_merchant, "Accept-Language": "en"},
        ).json()["detail"]
    )
    assert (
        client.post(f"{base}/codeVerification", json={"code": code}, headers=me).status_code == 401
    )
