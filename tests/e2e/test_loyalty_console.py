"""Loyalty over HTTP on SQLite and PostgreSQL (TestClient): HQ manages the catalog, rules,
campaigns and merchants on the staff console (provincial staff are refused), the
merchant page stops after ten wrong codes in an hour, and ``telcare loyalty
expire-codes`` gives an expired, unused code's points back exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from typer.testing import CliRunner

from telcare.channels import loyalty_cli
from telcare.channels.api.app import create_app
from telcare.demo.loyalty import seed_loyalty
from telcare.domain.access import Kind, Principal
from telcare.domain.errors import Forbidden, Locked, NotFound
from telcare.services import hall, loyalty, selfcare
from telcare.services.hashing import hash_secret
from telcare.store import loyalty_models as lm
from telcare.store import models as m
from telcare.store.models import StaffUser
from telcare.store.uow import Database
from tests.e2e.test_loyalty_web_api import log_in, text, token

BJ, GD = "13800138000", "13900139000"
HTML = {"accept": "text/html"}
BJ_AGENT = Principal(Kind.STAFF, "bj-agent", "BJ", "agent")


@pytest.fixture
def ldb(db: Database) -> Database:
    seed_loyalty(db)
    loyalty.set_merchant_password(db, "M0002", "check-pass")
    with db.uow() as uow:
        uow.session.execute(update(StaffUser).values(password_hash=hash_secret("pw-123456")))
        uow.commit()
    return db


@pytest.fixture
def client(ldb: Database) -> TestClient:
    return TestClient(create_app(ldb))


def staff_login(client: TestClient, username: str) -> str:
    csrf = token(client.get("/staff/login", headers=HTML).text)
    home = client.post(
        "/staff/login",
        data={"csrf_token": csrf, "username": username, "password": "pw-123456"},
        headers=HTML,
    )
    assert home.url.path == "/staff/", text(home.text)
    return token(home.text)


GIFT = {
    "code": "g777",
    "name_zh": "定制保温杯",
    "name_en": "Custom mug",
    "points": "800",
    "kind": "physical",
    "provinces": ["BJ", "SH"],
    "active": "1",
}


def test_hq_creates_a_gift_that_shows_in_the_mall(client: TestClient, ldb: Database) -> None:
    csrf = staff_login(client, "hq-admin")
    assert 'id="gift-form"' in client.get("/staff/loyalty/gift").text
    saved = client.post("/staff/loyalty/gift", data={**GIFT, "csrf_token": csrf})
    assert saved.url.path == "/staff/loyalty" and "G777" in saved.text
    assert "礼品G777已保存" in text(saved.text)
    client.post(
        "/staff/loyalty/stock",
        data={"gift": "G777", "province": "SH", "quantity": "3", "csrf_token": csrf},
    )
    assert loyalty.gift_form(ldb, "G777").provinces == ["BJ", "SH"]
    edit = client.get("/staff/loyalty/gift", params={"code": "G777"})
    assert 'value="定制保温杯"' in edit.text
    # the subscriber sees it (Beijing is eligible), redeems it, and it ships from Shanghai
    hall_client = TestClient(client.app)
    hall_csrf = log_in(hall_client, ldb, BJ)
    mall = hall_client.get("/hall/points", params={"q": "保温杯"})
    assert "G777" in mall.text and "定制保温杯" in mall.text
    hall_client.post("/hall/points/redeem", data={"code": "G777", "csrf_token": hall_csrf})
    done = hall_client.post("/hall/points/confirm", data={"csrf_token": hall_csrf})
    assert "上海" in text(done.text)
    # Guangdong is not eligible; withdrawn, Beijing no longer sees it
    assert "G777" not in [g.code for g in loyalty.mall(ldb, GD)]
    client.post("/staff/loyalty/gift/G777/active", data={"csrf_token": csrf})
    assert "G777" not in [g.code for g in loyalty.mall(ldb, BJ)]
    client.post("/staff/loyalty/gift/G777/active", data={"csrf_token": csrf, "active": "1"})
    assert "G777" in [g.code for g in loyalty.mall(ldb, BJ)]


def test_hq_edits_rules_campaigns_and_merchants(client: TestClient, ldb: Database) -> None:
    csrf = staff_login(client, "hq-admin")
    rule = client.post(
        "/staff/loyalty/rules",
        data={
            "csrf_token": csrf,
            "source": "spend",
            "brand": "EASYOWN",
            "points_per_yuan": "1.25",
            "valid_from": "2026-01-01",
        },
    )
    assert "已保存" in text(rule.text)
    new = [r for r in loyalty.accrual_rules(ldb) if r.brand == "EASYOWN"]
    assert len(new) == 1 and str(new[0].points_per_yuan.normalize()) == "1.25"
    campaign = {
        "csrf_token": csrf,
        "code": "SPRING2027",
        "name_zh": "春季加倍",
        "name_en": "Spring double",
        "source": "spend",
        "brands": ["MZONE"],
        "starts_on": "2027-03-01",
        "ends_on": "2027-03-31",
        "multiplier": "2",
        "bonus_per_yuan": "0",
    }
    page = client.post("/staff/loyalty/campaigns", data=campaign)
    assert 'data-campaign="SPRING2027"' in page.text
    bad = client.post("/staff/loyalty/campaigns", data={**campaign, "ends_on": "2027-02-01"})
    assert "无效" in text(bad.text)
    created = client.post(
        "/staff/loyalty/merchants",
        data={
            "csrf_token": csrf,
            "code": "m0003",
            "name_zh": "新华书店",
            "name_en": "Xinhua Bookstore",
            "province": "SH",
            "settlement_fen_per_point": "0.8",
            "active": "1",
        },
    )
    assert "M0003" in created.text and "初始密码" in text(created.text)
    service = client.post(
        "/staff/loyalty/services",
        data={
            "csrf_token": csrf,
            "merchant": "M0003",
            "code": "BOOK50",
            "name_zh": "50元购书券",
            "name_en": "50-yuan book voucher",
            "valid_days": "30",
        },
    )
    assert 'data-service="BOOK50"' in service.text
    (mc,) = [x for x in loyalty.merchants(ldb) if x.code == "M0003"]
    voucher = client.post(
        "/staff/loyalty/gift",
        data={
            "csrf_token": csrf,
            "code": "E300",
            "name_zh": "购书券",
            "name_en": "Book voucher",
            "points": "500",
            "kind": "evoucher",
            "service": str(mc.services[0].id),
            "active": "1",
        },
    )
    assert 'data-code="E300"' in voucher.text
    loyalty.request_redemption(ldb, GD, "E300", channel="web")
    assert loyalty.confirm_redemption(ldb, GD).code


def test_provincial_staff_are_refused(client: TestClient, ldb: Database) -> None:
    csrf = staff_login(client, "bj-agent")
    catalog = client.get("/staff/loyalty")
    assert 'href="/staff/loyalty/gift"' not in catalog.text
    refused = client.post("/staff/loyalty/gift", data={**GIFT, "csrf_token": csrf})
    assert refused.status_code == 403  # the role matrix: loyalty.catalog.edit is HQ admins'
    assert "您的岗位无权办理此业务" in text(refused.text)
    with ldb.uow() as uow:
        assert uow.session.get(m.Gift, "G777") is None
    x = {"name_zh": "x", "name_en": "x"}
    for path, data in (
        (
            "/staff/loyalty/rules",
            {"source": "spend", "points_per_yuan": "9", "valid_from": "2026-01-01"},
        ),
        ("/staff/loyalty/merchants", {"code": "M0009", "province": "BJ", **x}),
        ("/staff/loyalty/services", {"merchant": "M0001", "code": "X", **x}),
    ):
        page = client.post(path, data={**data, "csrf_token": csrf})
        assert page.status_code == 403, path
        assert "您的岗位无权办理此业务" in text(page.text), path
    assert all(r.points_per_yuan != 9 for r in loyalty.accrual_rules(ldb))
    assert "M0009" not in [x.code for x in loyalty.merchants(ldb)]
    client.post("/staff/loyalty/gift/G002/active", data={"csrf_token": csrf})
    assert "G002" in [g.code for g in loyalty.mall(ldb, BJ)]
    # but their own stock is theirs to keep
    client.post(
        "/staff/loyalty/stock",
        data={"gift": "G003", "province": "BJ", "quantity": "9", "csrf_token": csrf},
    )
    (g,) = [g for g in loyalty.catalog(ldb) if g.code == "G003"]
    assert g.stock_by_province["BJ"] == 9
    with pytest.raises(Forbidden):
        loyalty.save_campaign(ldb, BJ_AGENT, loyalty.campaigns(ldb)[0])


def test_merchant_checks_lock_after_ten_wrong_codes(client: TestClient, ldb: Database) -> None:
    loyalty.request_redemption(ldb, BJ, "M201", channel="web")
    code = loyalty.confirm_redemption(ldb, BJ).code
    assert code
    csrf = token(client.get("/merchant").text)
    client.post(
        "/merchant/login",
        data={"merchant": "M0002", "password": "check-pass", "csrf_token": csrf},
    )
    for n in range(10):
        wrong = client.post("/merchant/verify", data={"code": f"0000000{n}", "csrf_token": csrf})
        assert "不是本商户的兑换码" in text(wrong.text)
    locked = client.post("/merchant/verify", data={"code": code, "csrf_token": csrf})
    assert "一小时内错误兑换码已达10次" in text(locked.text) and "验证成功" not in locked.text
    assert loyalty.check_failures(ldb, "M0002") == 10
    base = "/tmf-api/loyaltyManagement/v4"
    api = client.post(
        f"{base}/merchant/token", json={"merchant": "M0002", "password": "check-pass"}
    )
    as_merchant = {"Authorization": f"Bearer {api.json()['access_token']}"}
    refused = client.post(f"{base}/codeVerification", json={"code": code}, headers=as_merchant)
    assert refused.status_code == 429 and refused.json()["code"] == "locked", refused.text
    later = datetime.now(UTC) + timedelta(hours=1, minutes=1)
    assert loyalty.check_failures(ldb, "M0002", now=later) == 0
    assert loyalty.verify_code(ldb, "M0002", code, now=later).code == code
    # the lock is per merchant
    with pytest.raises(NotFound):
        loyalty.verify_code(ldb, "M0001", "12345678")
    with pytest.raises(Locked):
        loyalty.verify_code(ldb, "M0002", "12345678")


def test_expired_unused_code_gives_points_back_once(
    ldb: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loyalty_cli, "_database", lambda: ldb)
    before = selfcare.overview(ldb, BJ).points
    loyalty.request_redemption(ldb, BJ, "M201", channel="web")
    expired = loyalty.confirm_redemption(ldb, BJ).code
    loyalty.request_redemption(ldb, BJ, "M101", channel="web")
    used = loyalty.confirm_redemption(ldb, BJ).code
    assert expired and used
    loyalty.verify_code(ldb, "M0001", used)
    past = datetime.now(UTC) - timedelta(minutes=1)
    with ldb.uow() as uow:
        uow.session.execute(
            update(lm.RedemptionCode)
            .where(lm.RedemptionCode.code.in_([expired, used]))
            .values(expires_at=past)
        )
        uow.commit()
    assert selfcare.overview(ldb, BJ).points == before - 3000 - 2000
    runner = CliRunner()
    first = runner.invoke(loyalty_cli.app, ["expire-codes"])
    assert first.exit_code == 0 and "codes 1 · points 3,000" in first.output, first.output
    assert selfcare.overview(ldb, BJ).points == before - 2000
    loyalty.request_redemption(ldb, BJ, "M101", channel="web")
    assert loyalty.confirm_redemption(ldb, BJ).code  # still valid: not refunded
    again = runner.invoke(loyalty_cli.app, ["expire-codes"])
    assert "codes 0 · points 0" in again.output
    assert loyalty.refund_expired_codes(ldb).codes == 0
    assert selfcare.overview(ldb, BJ).points == before - 4000
    with ldb.uow() as uow:
        s = uow.session
        assert s.scalar(select(func.count()).select_from(lm.CodeRefund)) == 1
        sub = s.scalar(select(m.Subscriber).where(m.Subscriber.msisdn == BJ))
        assert sub is not None
        total = s.scalar(
            select(func.sum(m.PointsEntry.points)).where(m.PointsEntry.account_id == sub.account.id)
        )
        assert total == sub.account.points
    assert any("已过期未使用" in sms.text for sms in hall.recent_sms(ldb, BJ))
    with pytest.raises(loyalty.CodeRefused):  # a refunded code stays refused
        loyalty.verify_code(ldb, "M0002", expired)
