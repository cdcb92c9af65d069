"""The points mall in a real browser: redeem a gift delivered to another province,
follow its timeline, cancel it and get the points back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from telcare.demo.loyalty import seed_loyalty
from telcare.demo.seed import Fixture, _add_subscriber
from telcare.domain.catalog import Brand
from telcare.domain.errors import UnknownSubscriber
from telcare.services import selfcare
from tests.browser.a11y import check_a11y
from tests.browser.conftest import Hall

pytestmark = pytest.mark.browser
LogIn = Callable[[Page, str], None]
MEMBER = "13600136000"  # a line of its own: the other browser tests log in the fixtures


@pytest.fixture
def member(live_hall: Hall) -> str:
    seed_loyalty(live_hall.db)
    try:
        selfcare.overview(live_hall.db, MEMBER)
    except UnknownSubscriber:
        with live_hall.db.uow() as uow:
            fx = Fixture(MEMBER, Brand.GOTONE, "BJ", "zh", 0, 3000, "赵敏")
            _add_subscriber(uow.session, fx, datetime.now(UTC))
            uow.commit()
    return MEMBER


def test_redeem_a_gift_to_another_province_follow_and_cancel(
    page: Page, live_hall: Hall, log_in: LogIn, member: str
) -> None:
    log_in(page, member)
    page.goto("/hall/points")
    expect(page.locator("#points")).to_have_text("3000")
    check_a11y(page)

    # a delivery address in Hainan; the umbrella is stocked in Guangdong and Zhejiang only
    page.get_by_label("收货人").fill("赵敏")
    page.get_by_label("联系电话").fill("13600136000")
    page.get_by_label("省份").select_option("HI")
    page.get_by_label("城市").fill("海口市")
    page.get_by_label("详细地址").fill("滨海大道1号")
    page.get_by_role("button", name="保存地址").click()
    expect(page.locator("#flash")).to_contain_text("收货地址已保存")

    page.get_by_role("searchbox", name="搜索礼品").fill("雨伞")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#gifts li")).to_have_count(1)
    page.get_by_role("button", name="兑换 中国移动定制雨伞").click()
    panel = page.locator("#redeem-panel")
    expect(panel).to_contain_text("600积分")
    expect(panel).to_contain_text("滨海大道1号")
    assert selfcare.overview(live_hall.db, member).points == 3000  # nothing spent yet
    check_a11y(page, "redeem-confirm")
    panel.get_by_role("button", name="确认兑换").click()

    expect(page).to_have_url(f"{live_hall.url}/hall/points/orders")
    expect(page.locator("#flash")).to_contain_text("兑换成功")
    order = page.locator("#orders li.card").first
    expect(order).to_contain_text("发货仓库：广东")
    expect(order).to_contain_text("跨省配送")
    expect(order.locator(".timeline li")).to_have_count(1)
    assert selfcare.overview(live_hall.db, member).points == 2400
    check_a11y(page, "orders")

    order.get_by_role("button", name="取消订单").click()
    expect(page.locator("#flash")).to_contain_text("600积分已退还")
    order = page.locator("#orders li.card").first
    expect(order).to_have_attribute("data-state", "cancelled")
    expect(order.locator(".timeline li")).to_have_count(2)
    assert selfcare.overview(live_hall.db, member).points == 3000
