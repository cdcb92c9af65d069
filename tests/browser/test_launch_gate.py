"""The launch page in a real browser (issue #22): headquarters runs a checklist's test
orders with one click and sees each step's result, under the page's CSP."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select, update

from telcare.domain.access import Kind, Principal
from telcare.domain.catalog import Brand
from telcare.services import accounts
from telcare.services.hashing import hash_secret
from telcare.services.quality import launch
from telcare.store import models as m
from telcare.store.models import StaffUser
from tests.browser.conftest import Hall

pytestmark = pytest.mark.browser
FIXTURE_LINES = {"13800138000", "13900139000", "13700137000"}


def test_headquarters_runs_the_test_orders_and_sees_each_result(
    browser: Browser, live_hall: Hall
) -> None:
    db = live_hall.db
    with db.uow() as uow:
        s = uow.session
        s.add(m.Product(code="BRLT", name_zh="浏览器测试包", name_en="Browser pack",
                        kind="addon", price_fen=200, period="monthly", validity_days=None,
                        data_kb=1024, brands=[b.value for b in Brand], provinces=None,
                        charged=True, active=True))  # fmt: skip
        s.execute(update(StaffUser).where(StaffUser.username == "hq-admin")
                  .values(password_hash=hash_secret("pw-launch")))  # fmt: skip
        line = next(n for n in s.scalars(select(m.Subscriber.msisdn).order_by(m.Subscriber.id))
                    if n not in FIXTURE_LINES)  # fmt: skip
        uow.commit()
    accounts.recharge(db, line, 1000, idempotency_key="browser-launch-topup")
    launch.start(db, Principal(Kind.STAFF, "hq-tester", "HQ", "admin"), "product", "BRLT", [line])
    ctx = browser.new_context(base_url=live_hall.url, locale="zh-CN")
    ctx.set_default_timeout(10000)
    violations: list[str] = []
    ctx.on("console", lambda msg: violations.append(msg.text)
           if "Content Security Policy" in msg.text else None)  # fmt: skip
    hq = ctx.new_page()
    try:
        hq.goto("/staff/login")
        hq.get_by_label("用户名").fill("hq-admin")
        hq.get_by_label("密码").fill("pw-launch")
        hq.get_by_role("button", name="登录").click()
        hq.goto("/staff/quality/launch")
        row = hq.locator('tr[data-item="product:BRLT"]')
        expect(row).to_have_attribute("data-status", "testing")
        row.get_by_role("button", name="运行测试订购").click()
        expect(hq.locator("#flash")).to_contain_text("测试订购全部通过")
        row = hq.locator('tr[data-item="product:BRLT"]')
        expect(row.locator('li[data-step="sms_charge"]')).to_have_attribute("data-ok", "true")
        expect(row.locator('li[data-step="web_refund"]')).to_have_attribute("data-ok", "true")
        expect(row).to_contain_text("text_zh")  # the reviews are left for people
    finally:
        ctx.close()
    assert not violations, violations
