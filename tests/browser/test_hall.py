"""The online business hall in a real browser (Playwright + Debian's chromium)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect

from telcare.services import selfcare
from tests.browser.a11y import check_a11y
from tests.browser.conftest import Hall

pytestmark = pytest.mark.browser
LogIn = Callable[[Page, str], None]


def test_log_in_order_a_charged_pack_with_confirmation_recharge_and_see_the_ledger(
    page: Page, live_hall: Hall, log_in: LogIn
) -> None:
    msisdn = "13800138000"
    log_in(page, msisdn)
    expect(page.locator("#balance")).to_have_text("100.00元")
    check_a11y(page, "overview")
    nav = page.get_by_role("navigation", name="主导航")

    nav.get_by_role("link", name="套餐与业务").click()
    order = page.get_by_role("button", name="订购 1元G3优惠包")
    # first time: the confirm step shows the price; cancelling charges nothing
    order.click()
    panel = page.locator("#order-panel")
    expect(panel).to_contain_text("1.00元/月")
    expect(panel.get_by_role("button", name="确认订购")).to_be_visible()
    check_a11y(page, "packages-confirm")
    assert selfcare.overview(live_hall.db, msisdn).balance_fen == 10000
    panel.get_by_role("button", name="取消").click()
    expect(page.locator("#flash")).to_contain_text("未扣费")
    expect(page.locator("#order-panel")).to_have_count(0)
    assert selfcare.overview(live_hall.db, msisdn).balance_fen == 10000

    # second time: confirm, charged once
    order.click()
    page.locator("#order-panel").get_by_role("button", name="确认订购").click()
    expect(page.locator("#flash")).to_contain_text("您已成功订购1元G3优惠包，扣费1.00元")
    expect(page.locator("#balance")).to_have_text("99.00元")
    expect(page.locator("#in-force")).to_contain_text("1元G3优惠包")
    assert selfcare.overview(live_hall.db, msisdn).balance_fen == 9900

    nav.get_by_role("link", name="充值").click()
    page.get_by_label("充值卡卡号").fill("1000000000000001")
    page.get_by_label("充值卡密码").fill("123456")
    page.get_by_role("button", name="充值", exact=True).click()
    expect(page.locator("#flash")).to_contain_text("充值成功，金额50.00元，当前余额149.00元")
    check_a11y(page, "recharged")

    nav.get_by_role("link", name="账单明细").click()
    rows = page.locator("#ledger-results tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("+50.00")
    page.get_by_label("类型").select_option("charge")  # htmx swaps the results in place
    expect(page.locator("#ledger-count")).to_contain_text("共1条")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("-1.00")
    expect(page).to_have_url(re.compile(r"kind=charge"))
    check_a11y(page, "ledger-filtered")


def test_english_subscriber_on_a_phone_sized_screen(
    browser: Browser, live_hall: Hall, log_in: LogIn
) -> None:
    context = browser.new_context(
        base_url=live_hall.url, viewport={"width": 375, "height": 740}, is_mobile=True
    )
    context.set_default_timeout(5000)
    page = context.new_page()
    try:
        log_in(page, "13900139000")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.locator("#balance")).to_have_text("30.00 yuan")
        for path in ("/hall/", "/hall/packages", "/hall/recharge", "/hall/ledger"):
            page.goto(path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{path} scrolls sideways on a phone"
            check_a11y(page)
        page.get_by_role("button", name="Switch to Chinese").click()
        expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        expect(page.get_by_role("heading", level=1)).to_have_text("账单明细")
    finally:
        context.close()


def test_sms_simulator_page(page: Page) -> None:
    page.goto("/sms/simulator")
    page.get_by_label("发送号码").fill("13700137000")
    page.get_by_label("短信内容").fill("cxye")
    page.get_by_role("button", name="发送").click()
    expect(page.locator("#replies")).to_contain_text("您的账户余额为0.50元")
    check_a11y(page)
