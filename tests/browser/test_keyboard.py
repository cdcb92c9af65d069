"""Keyboard only: the login form and the hall menu are reached with Tab in reading order,
every focused control shows a focus ring, and Enter carries out the main actions."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from telcare.domain.messages import render
from tests.browser.a11y import check_a11y
from tests.browser.conftest import Hall

pytestmark = pytest.mark.browser
TYPIST = "15732451184"  # a generated line no other browser test logs in
NAV = [render(f"web.nav_{key}", "zh") for key in ("overview", "packages", "recharge", "ledger",
       "statement", "mall", "complaints", "chat", "spam", "van", "survey", "sp")]  # fmt: skip
FOCUSED = """() => {
  const e = document.activeElement, s = getComputedStyle(e);
  return {tag: e.tagName.toLowerCase(), id: e.id, text: (e.innerText || e.value || '').trim(),
          label: e.labels && e.labels[0] ? e.labels[0].innerText.trim() : '',
          ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2};
}"""


def tab(page: Page) -> dict[str, object]:
    """Press Tab and describe the element that has the focus now."""
    page.keyboard.press("Tab")
    focused: dict[str, object] = page.evaluate(FOCUSED)
    assert focused["tag"] != "body", "Tab left the page's controls"
    assert focused["ring"], f"no visible focus ring on {focused}"
    return focused


def tab_to(page: Page, wanted: str, limit: int = 40) -> list[dict[str, object]]:
    """Tab until the focused element's id, text or label matches ``wanted``; the path."""
    path = []
    for _ in range(limit):
        here = tab(page)
        path.append(here)
        if any(re.fullmatch(wanted, str(here[k])) for k in ("id", "text", "label")):
            return path
    raise AssertionError(f"{wanted!r} not reached with Tab: {[p['text'] or p['id'] for p in path]}")


def test_log_in_and_use_the_hall_menu_with_the_keyboard(page: Page, live_hall: Hall) -> None:
    page.goto("/hall/login")
    check_a11y(page, "login")
    first = tab(page)
    assert first["id"] == "skip-link", first  # the first stop skips to the content
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))
    tab_to(page, "msisdn")
    page.keyboard.type(TYPIST)
    assert tab(page)["text"] == "获取验证码"
    page.keyboard.press("Enter")
    expect(page.locator("#code")).to_be_focused()  # the code field takes the focus
    page.keyboard.type(live_hall.login_code(TYPIST))
    assert tab(page)["text"] == "登录"
    page.keyboard.press("Enter")
    page.wait_for_url("**/hall/")
    check_a11y(page, "overview")

    page.locator("body").focus()
    path = tab_to(page, render("web.logout", "zh") + ".*")
    links = [str(p["text"]) for p in path if p["tag"] == "a"]
    assert [t for t in links if t in NAV] == NAV, links  # the menu in reading order

    page.goto("/hall/")
    tab_to(page, "充值")
    page.keyboard.press("Enter")
    page.wait_for_url("**/hall/recharge")
    tab_to(page, "充值卡卡号")
    page.keyboard.type("1000000000000009")  # no such card: the answer is the page again
    assert tab(page)["label"] == "充值卡密码"
    page.keyboard.type("000000")
    tab_to(page, "充值")
    page.keyboard.press("Enter")
    expect(page.locator("#flash")).to_contain_text("充值卡号或密码错误")
    check_a11y(page, "recharge-refused")
