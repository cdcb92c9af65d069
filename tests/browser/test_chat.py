"""Online chat in a real browser: a subscriber asks the bot, asks for a person, and an agent
logged into the desk answers; messages arrive live over the WebSocket both ways."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select, update

from telcare import clock
from telcare.demo.seed import FIXTURES
from telcare.services.hashing import hash_secret
from telcare.store.models import StaffUser, Subscriber
from tests.browser.a11y import check_a11y
from tests.browser.conftest import Hall

pytestmark = pytest.mark.browser
LogIn = Callable[[Page, str], None]


def test_ask_the_bot_then_a_person_on_the_desk(
    page: Page,
    browser: Browser,
    live_hall: Hall,
    log_in: LogIn,
    time_machine: time_machine.TimeMachineFixture,
) -> None:
    # tomorrow at noon in Beijing: agents are at their desks, and every earlier login is past
    noon = (clock.local_now() + timedelta(days=1)).replace(hour=12, minute=0, second=0)
    time_machine.move_to(noon)
    fixtures = {f.msisdn for f in FIXTURES}
    with live_hall.db.uow() as uow:
        msisdn = next(
            n
            for n in uow.session.scalars(select(Subscriber.msisdn).order_by(Subscriber.msisdn))
            if n not in fixtures
        )
        uow.session.execute(
            update(StaffUser).where(StaffUser.username == "hq-admin")
            .values(password_hash=hash_secret("pw-browser"))
        )  # fmt: skip
        uow.commit()

    log_in(page, msisdn)
    page.get_by_role("link", name="在线客服").click()
    messages = page.locator("#chat-messages")
    expect(messages).to_contain_text("10086在线助手")
    page.get_by_label("输入消息").fill("怎么查流量")
    page.get_by_role("button", name="发送").click()
    expect(messages).to_contain_text("CXLL")
    page.get_by_label("输入消息").fill("人工")
    page.get_by_role("button", name="发送").click()
    expect(messages).to_contain_text("正在为您转接人工客服")
    check_a11y(page, "chat")

    staff = browser.new_context(base_url=live_hall.url, locale="zh-CN")
    staff.set_default_timeout(5000)
    desk = staff.new_page()
    try:
        desk.goto("/staff/login")
        desk.get_by_label("用户名").fill("hq-admin")
        desk.get_by_label("密码").fill("pw-browser")
        desk.get_by_role("button", name="登录").click()
        desk.get_by_role("navigation", name="工作台菜单").get_by_role(
            "link", name="在线客服坐席"
        ).click()
        desk.get_by_role("button", name="接入").first.click()
        expect(desk.locator("#chat-messages")).to_contain_text("怎么查流量")
        expect(desk.locator("aside")).to_contain_text(msisdn)
        check_a11y(desk, "desk")
        desk.get_by_label("输入消息").fill("您好，我是客服小李，请问有什么可以帮您？")
        desk.get_by_role("button", name="发送").click()
        # live on the subscriber's page, without a reload
        expect(messages).to_contain_text("客服小李")
        page.get_by_label("输入消息").fill("我想确认一下流量包的扣费")
        page.get_by_role("button", name="发送").click()
        expect(desk.locator("#chat-messages")).to_contain_text("流量包的扣费")
        desk.get_by_label("摘要").fill("流量包扣费咨询")
        desk.get_by_role("button", name=re.compile("^生成工单")).click()
        expect(desk.locator("#flash")).to_contain_text("已为您登记工单")
    finally:
        staff.close()
