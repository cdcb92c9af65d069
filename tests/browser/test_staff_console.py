"""The staff console in a real browser (#20), in both languages, at desktop size and at
390×844: the console's own header and menu, the complaint queue (search, working-hours
deadlines, labels kept on a phone), the ticket page (customer's text, timeline, replies).
Screenshots go to build/screenshots/ (git-ignored) for a person to look through."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import update

from telcare.domain.access import Kind, Principal
from telcare.services import complaints as svc
from telcare.services.hashing import hash_secret
from telcare.store.models import StaffUser
from tests.browser.conftest import Hall

pytestmark = pytest.mark.browser
SHOTS = Path("build/screenshots")
CALLER = "13800138000"  # Beijing
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
TEXT = {
    "zh": {"brand": "客户服务与质量管理工作台", "complaints": "投诉处理工作台", "search": "搜索",
           "customer": "客户反映的问题", "timeline": "处理经过", "replies": "回复与备注",
           "working": "个工作小时", "filed": "登记投诉", "ticket": "编号"},
    "en": {"brand": "Staff console", "complaints": "Complaints console", "search": "Search",
           "customer": "What the customer says", "timeline": "Timeline",
           "replies": "Replies and notes", "working": "working hours",
           "filed": "Complaint filed", "ticket": "Ticket"},
}  # fmt: skip


def _ticket(live_hall: Hall) -> str:
    """A Beijing ticket filed by an agent, acknowledged, with a reply; the staff passwords."""
    with live_hall.db.uow() as uow:
        uow.session.execute(
            update(StaffUser)
            .where(StaffUser.username.in_(("bj-agent", "hq-admin")))
            .values(password_hash=hash_secret("pw-browser"))
        )
        uow.commit()
    agent = Principal(Kind.STAFF, "bj-agent", "BJ", "agent")
    view = svc.file_ticket(
        live_hall.db, agent, node="HQ", category="NET.COV.INDOOR", summary="室内无信号",
        description="家里客厅没有信号，已经三天了。", channel="console", msisdn=CALLER,
    )  # fmt: skip
    svc.transition(live_hall.db, agent, view.id, "acknowledge", node="HQ")
    svc.add_note(live_hall.db, agent, view.id, "已安排网优人员上门测试。", node="HQ")
    return view.id


@pytest.fixture(scope="module")
def ticket_id(live_hall: Hall) -> str:
    return _ticket(live_hall)


def _sign_in(page: Page, lang: str, user: str = "bj-agent") -> None:
    page.goto("/staff/login")
    if lang == "en":
        page.locator("form.lang button").click()
        page.wait_for_url("**/staff/login")
    page.locator("#username").fill(user)
    page.locator("#password").fill("pw-browser")
    page.locator("form[action='/staff/login'] button[type=submit]").click()
    page.wait_for_url("**/staff/")


def _fits(page: Page) -> None:
    """Nothing runs past the right edge of the window."""
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        "Array.from(document.querySelectorAll('body *'))"
        ".filter(e => e.getBoundingClientRect().right > innerWidth + 1)"
        ".filter(e => !e.closest('.console-menu ul, .table-wrap'))"
        ".map(e => e.tagName + '#' + e.id + '.' + e.className)"
    )
    assert width <= page.viewport_size["width"] + 1, (width, wide)  # type: ignore[index]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_console_menu_queue_and_ticket(
    browser: Browser, live_hall: Hall, ticket_id: str, lang: str, size: str
) -> None:
    words = TEXT[lang]
    ctx = browser.new_context(base_url=live_hall.url, locale="zh-CN", viewport=SIZES[size])
    ctx.set_default_timeout(5000)
    violations: list[str] = []
    ctx.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else None)
    page = ctx.new_page()
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        _sign_in(page, lang)
        expect(page.locator("header .brand")).to_contain_text(words["brand"])
        menu = page.locator("#console-menu")
        expect(menu).to_be_visible()
        expect(menu.get_by_role("link", name=words["complaints"])).to_be_visible()
        expect(menu.locator("a[href='/staff/logins/']")).to_have_count(0)  # HQ admins only
        if size == "phone":  # one scrolling row of sections, not three rows of links
            box = menu.locator("ul").bounding_box()
            assert box and box["height"] < 60, box
        _fits(page)
        page.screenshot(path=SHOTS / f"staff-home-{lang}-{size}.png", full_page=True)

        menu.get_by_role("link", name=words["complaints"]).click()
        page.wait_for_url("**/staff/complaints/")
        expect(menu.locator("a[aria-current]")).to_have_text(words["complaints"])
        page.locator("#f-q").fill(ticket_id)
        page.get_by_role("button", name=words["search"], exact=True).click()
        rows = page.locator("#queue tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text(words["working"])
        if size == "phone":  # the cells keep their column labels
            label = page.evaluate(
                "getComputedStyle(document.querySelector('#queue tbody td'), '::before').content"
            )
            assert words["ticket"] in label, label
        _fits(page)
        page.screenshot(path=SHOTS / f"staff-queue-{lang}-{size}.png", full_page=True)

        rows.first.get_by_role("link", name=ticket_id).click()
        page.wait_for_url(f"**/staff/complaints/t/{ticket_id}")
        customer = page.locator("#customer")
        expect(customer.get_by_role("heading")).to_have_text(words["customer"])
        expect(customer).to_contain_text("家里客厅没有信号")
        timeline = page.locator("#timeline-card")
        expect(timeline.get_by_role("heading")).to_have_text(words["timeline"])
        expect(timeline).to_contain_text(words["filed"])
        assert not re.search(r"responded_at|None|\+00:00", page.locator("#timeline").inner_text())
        expect(page.locator("#notes").get_by_role("heading")).to_have_text(words["replies"])
        expect(page.locator("#replies")).to_contain_text("网优人员上门")
        _fits(page)
        page.screenshot(path=SHOTS / f"staff-ticket-{lang}-{size}.png", full_page=True)
    finally:
        ctx.close()
    assert not violations, violations


@pytest.mark.parametrize("size", SIZES)
def test_quality_dashboard_charts_stay_in_their_cards(
    browser: Browser, live_hall: Hall, ticket_id: str, size: str
) -> None:
    ctx = browser.new_context(base_url=live_hall.url, locale="zh-CN", viewport=SIZES[size])
    ctx.set_default_timeout(5000)
    refused: list[str] = []
    ctx.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    page = ctx.new_page()
    try:
        _sign_in(page, "zh", "hq-admin")
        expect(page.locator("#console-menu a[href='/staff/logins/']")).to_have_count(1)
        page.locator("#console-menu").get_by_role("link", name="服务质量管理").click()
        page.wait_for_url("**/staff/quality/")
        card = page.locator("section.card", has=page.locator("#trend-chart")).bounding_box()
        image = page.locator("#trend-chart img")
        assert image.evaluate("i => i.complete && i.naturalWidth > 0")  # drawn, in colour
        chart = image.bounding_box()
        assert card and chart and chart["x"] + chart["width"] <= card["x"] + card["width"] + 1
        table_card = page.locator("section.card", has=page.locator("#indicators"))
        box, table = table_card.bounding_box(), page.locator("#indicators").bounding_box()
        assert box and table and table["width"] >= 0.85 * box["width"]  # not a third of it
        expect(page.locator("#standards")).to_contain_text("无数据")
        missed = page.locator("#indicators span.missed").first
        if missed.count():
            expect(missed).to_contain_text("未达标")
            assert missed.evaluate("e => getComputedStyle(e).color") != "rgb(29, 39, 51)"
        page.screenshot(path=SHOTS / f"staff-quality-zh-{size}.png", full_page=True)
    finally:
        ctx.close()
    assert not refused, refused  # inline SVG's styles were refused: every shape went black
