"""Complaints in a real browser: a subscriber files on the business hall, headquarters
sees the ticket in its console.

What this proves, honestly: the test server is one node with the in-process bus
(``TELCARE_BUS_URL`` unset, ``TELCARE_PROVINCE`` = HQ), so the HQ console's national
view reads the same database the hall wrote. It proves the hall form → service →
store → HQ queue and ticket page path, and that the filing wrote the outbox event a
real headquarters would consume; carrying that event from a province node to HQ over
JetStream is proved by ``tests/e2e/test_sync_three_nodes.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select, update

from telcare.services.hashing import hash_secret
from telcare.store.models import StaffUser
from telcare.store.outbox import OutboxEvent
from tests.browser.a11y import check_a11y
from tests.browser.conftest import Hall

pytestmark = pytest.mark.browser
LogIn = Callable[[Page, str], None]
SUBSCRIBER = "13700137000"  # Shanghai (test_hall_pages.py resets the login throttle after it)


def test_file_on_the_hall_and_see_it_in_the_hq_console(
    page: Page, browser: Browser, live_hall: Hall, log_in: LogIn
) -> None:
    log_in(page, SUBSCRIBER)
    page.goto("/hall/complaints")
    check_a11y(page)
    page.get_by_label("投诉分类").select_option(label="计费 > 费用争议 > 流量费")
    page.get_by_label("投诉内容").fill("本月流量费比平时多了30元，请核查。")
    page.get_by_label(re.compile("^附件")).set_input_files(
        files=[{"name": "bill.txt", "mimeType": "text/plain", "buffer": b"data 30.00"}]
    )
    page.get_by_role("button", name="提交投诉").click()
    expect(page.locator("#flash")).to_contain_text("您的投诉已受理")
    found = re.search(r"[A-Z]{2}-[0-9A-F]{16}", page.locator("#flash").inner_text())
    assert found
    ticket_id = found.group(0)
    assert ticket_id.startswith("SH-")  # filed under the subscriber's home province
    expect(page.locator("#ticket-status")).to_have_text("新建")  # the ticket's own page
    page.goto("/hall/complaints")
    row = page.locator(f'#my-tickets tr[data-ticket="{ticket_id}"]')
    expect(row).to_contain_text("新建")
    check_a11y(page, "filed")

    with live_hall.db.uow() as uow:  # the event a headquarters node would apply
        kinds = uow.session.scalars(
            select(OutboxEvent.subject).where(OutboxEvent.key == ticket_id)
        ).all()
        uow.session.execute(
            update(StaffUser)
            .where(StaffUser.username == "hq-admin")
            .values(password_hash=hash_secret("pw-browser"))
        )
        uow.commit()
    assert "telcare.tickets.SH" in kinds

    staff = browser.new_context(base_url=live_hall.url, locale="zh-CN")
    staff.set_default_timeout(5000)
    hq = staff.new_page()
    try:
        hq.goto("/staff/login")
        hq.get_by_label("用户名").fill("hq-admin")
        hq.get_by_label("密码").fill("pw-browser")
        hq.get_by_role("button", name="登录").click()
        hq.locator("#console-menu").get_by_role("link", name="投诉处理工作台").click()
        expect(hq.get_by_role("heading", level=1)).to_have_text("全国视图（总部）")
        hq.get_by_label("省份").select_option("SH")
        hq.get_by_role("button", name="筛选").click()
        line = hq.locator(f'#queue tr[data-ticket="{ticket_id}"]')
        expect(line).to_contain_text("上海")
        expect(line).to_contain_text("剩余")  # SLA countdown
        check_a11y(hq, "queue")
        line.get_by_role("link", name=ticket_id).click()
        expect(hq.locator("#details")).to_contain_text(SUBSCRIBER)
        expect(hq.locator("#description")).to_contain_text("多了30元")
        expect(hq.locator("#attachments")).to_contain_text("bill.txt")
        expect(hq.locator("#timeline")).to_contain_text(f"客户 {SUBSCRIBER}")
        check_a11y(hq, "ticket")
    finally:
        staff.close()
