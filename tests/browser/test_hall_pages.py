"""Issue #20, the subscriber side, in a real browser at desktop and phone size (390×844),
in Chinese and English: error pages, the complaint detail page, the usage chart, the
balance banner and online payment, receipts, ledger reasons, the favicon and the phone
layout (one-row menu, stacked labels). Screenshots go to tests/browser/screenshots/
(git-ignored) for a person to look through."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Response, expect
from sqlalchemy import delete

from telcare.services import accounts, selfcare
from telcare.store import security_models as sm
from tests.browser.conftest import Hall

pytestmark = pytest.mark.browser
LogIn = Callable[[Page, str], None]
SHOTS = Path(__file__).parent / "screenshots"
USER = "13700137000"  # 王芳: zh, balance 0.50 (the low-balance banner); English by the switch
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
CASES = [(size, lang) for size in SIZES for lang in ("zh", "en")]
TEXT = {
    "zh": {
        "not_found": "页面不存在",
        "page_error": "页码",
        "category_error": "请选择投诉分类",
        "filed": "投诉已提交",
        "withdraw": "撤销投诉",
        "withdrawn": "您已撤销投诉",
        "closed": "已关闭",
        "send": "发送",
        "banner": "余额不足",
        "recharge_now": "立即充值",
        "pay": "支付",
        "paid": "支付成功",
        "receipt": "充值收据",
        "opening": "开户预存款",
        "history": "近6个月使用情况",
        "withdraw_hint": "撤销",
    },
    "en": {
        "not_found": "Page not found",
        "page_error": "page number",
        "category_error": "Choose a category",
        "filed": "Complaint filed",
        "withdraw": "Withdraw the complaint",
        "withdrawn": "You withdrew the complaint",
        "closed": "Closed",
        "send": "Send",
        "banner": "Low balance",
        "recharge_now": "Recharge now",
        "pay": "Pay",
        "paid": "Paid:",
        "receipt": "Recharge receipt",
        "opening": "Opening balance",
        "history": "Use over the last 6 months",
        "withdraw_hint": "withdraw",
    },
}


@pytest.fixture(params=CASES, ids=[f"{s}-{lang}" for s, lang in CASES])
def case(request: pytest.FixtureRequest) -> tuple[str, str]:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def hall_page(
    browser: Browser, live_hall: Hall, log_in: LogIn, case: tuple[str, str]
) -> Iterator[Page]:
    """A logged-in page at the case's size and language; fails on a CSP violation or on
    any 404 (the favicon included)."""
    size, lang = case
    ctx: BrowserContext = browser.new_context(
        base_url=live_hall.url,
        viewport=SIZES[size],
        is_mobile=size == "phone",
        locale="en-GB" if lang == "en" else "zh-CN",
    )
    ctx.set_default_timeout(15000)  # two shared cores: pages can take seconds
    problems: list[str] = []
    ctx.on(
        "console",
        lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    missing: list[str] = []

    def on_response(response: Response) -> None:
        if response.status == 404 and "/no/such" not in response.url and "NOPE" not in response.url:
            missing.append(response.url)

    ctx.on("response", on_response)
    page = ctx.new_page()
    forget_logins(live_hall)
    log_in(page, USER)
    if lang == "en":
        page.get_by_role("button", name="切换到英文").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    yield page
    ctx.close()
    forget_logins(live_hall)  # the other files' tests log this line in too
    assert not problems, problems
    assert not missing, missing


def forget_logins(live_hall: Hall) -> None:
    """The login throttle counts codes per number (one a minute) and per address (twenty
    an hour): these tests log in sixteen times, so they start each time from none."""
    with live_hall.db.uow() as uow:
        uow.session.execute(delete(sm.LoginAttempt))
        uow.commit()


def shot(page: Page, name: str, case: tuple[str, str]) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"hall-{name}-{case[0]}-{case[1]}.png"), full_page=True)


def no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"{page.url} scrolls sideways by {overflow}px"


def test_errors_are_pages(hall_page: Page, case: tuple[str, str]) -> None:
    page, words = hall_page, TEXT[case[1]]
    page.goto("/hall/ledger?page=0")
    expect(page.locator("#ledger-error")).to_contain_text(re.compile(words["page_error"], re.I))
    expect(page.locator("#kind")).to_be_visible()  # the filters are still there
    shot(page, "ledger-page-0", case)
    answer = page.goto("/no/such/page")
    assert answer is not None and answer.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text(words["not_found"])
    expect(page.get_by_role("navigation").first).to_be_visible()  # the site, not a bare line
    no_sideways_scroll(page)
    shot(page, "404", case)


def test_complaint_form_detail_reply_and_withdraw(hall_page: Page, case: tuple[str, str]) -> None:
    page, words = hall_page, TEXT[case[1]]
    page.goto("/hall/complaints")
    form = page.locator("#file-complaint")
    form.evaluate("f => { f.noValidate = true; }")  # as a browser with validation off
    page.locator("#description").fill("信号差 / poor signal")
    form.locator("button[type=submit]").click()
    expect(page.locator("#category-error")).to_contain_text(words["category_error"])
    expect(page.locator("#category")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#description")).to_have_value("信号差 / poor signal")
    shot(page, "complaint-no-category", case)
    page.locator("#category").select_option(index=1)
    page.locator("#file-complaint button[type=submit]").click()
    page.wait_for_url(re.compile(r"/hall/complaints/[^/]+$"))
    expect(page.locator("#timeline")).to_contain_text(words["filed"])
    page.locator("#reply-text").fill("晚上更差 / worse at night")
    page.get_by_role("button", name=words["send"], exact=True).click()
    expect(page.locator("#timeline")).to_contain_text("晚上更差 / worse at night")
    page.get_by_role("button", name=words["withdraw"]).click()
    expect(page.locator("#ticket-status")).to_have_text(words["closed"])
    expect(page.locator("#timeline")).to_contain_text(words["withdrawn"])
    no_sideways_scroll(page)
    shot(page, "complaint-detail", case)
    page.goto("/hall/complaints")
    first = page.locator("#my-tickets tbody tr").first
    expect(first.get_by_role("link").first).to_be_visible()
    if case[0] == "phone":  # the list keeps its column labels: stacked, from data-label
        status = first.locator("td.status")
        label = status.evaluate("td => getComputedStyle(td, '::before').content")
        assert label.strip('"') == status.get_attribute("data-label")
        expect(page.locator("#my-tickets thead")).not_to_be_in_viewport()
    no_sideways_scroll(page)
    shot(page, "complaints", case)


def test_banner_online_payment_receipt_and_reasons(
    hall_page: Page, case: tuple[str, str], live_hall: Hall
) -> None:
    page, words = hall_page, TEXT[case[1]]
    left = selfcare.overview(live_hall.db, USER).balance_fen
    if left > 50:  # back to 0.50 yuan (an earlier case paid 30.00)
        accounts.charge(live_hall.db, USER, left - 50, idempotency_key=f"b:{case}:{left}")
    page.goto("/hall/")
    banner = page.locator("#balance-banner")
    expect(banner).to_contain_text(words["banner"])
    expect(page.locator("#usage-history")).to_contain_text(words["history"])
    expect(page.locator("#usage-history svg rect.col")).to_have_count(6)
    no_sideways_scroll(page)
    shot(page, "overview", case)
    banner.get_by_role("link", name=words["recharge_now"]).click()
    page.wait_for_url("**/hall/recharge")
    page.locator("#online-payment input[value='3000']").check()
    page.get_by_role("button", name=words["pay"], exact=True).click()
    expect(page.locator("#flash")).to_contain_text(words["paid"])
    page.locator("#last-receipt a").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["receipt"])
    expect(page.locator("#receipt-amount")).to_contain_text("30.00")
    shot(page, "receipt", case)
    page.goto("/hall/ledger?kind=recharge")
    reasons = page.locator("#ledger-results td.reason")
    expect(reasons.last).to_have_text(words["opening"])
    for text in reasons.all_inner_texts():
        cjk = re.search(r"[\u4e00-\u9fff]", text) is not None
        assert cjk == (case[1] == "zh"), text
    no_sideways_scroll(page)
    shot(page, "ledger", case)


def test_menu_and_favicon(hall_page: Page, case: tuple[str, str], live_hall: Hall) -> None:
    page = hall_page
    page.goto("/hall/packages")
    icon = page.locator("link[rel=icon]")
    expect(icon).to_have_attribute("href", "/static/favicon.svg")
    assert page.request.get(live_hall.url + "/favicon.ico").status == 200
    nav = page.locator("nav.hall-tabs")
    links = nav.get_by_role("link")
    tops = [b["y"] for b in (links.nth(i).bounding_box() for i in range(links.count())) if b]
    if case[0] == "phone":  # one row (that scrolls sideways), not three
        assert max(tops) - min(tops) < 8, f"the menu takes several rows: {sorted(set(tops))}"
        assert nav.evaluate("n => n.scrollWidth > n.clientWidth")
    no_sideways_scroll(page)
    shot(page, "packages", case)
