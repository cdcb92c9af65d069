"""The pages and the API docs work under their Content-Security-Policy in a real browser
(the ``context`` fixture fails every browser test on a CSP violation in the console, so
the htmx pages of the other browser tests are checked too)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.a11y import check_a11y

PUBLIC = ("/", "/hall/login", "/staff/login", "/merchant", "/sp/login", "/partners/disclosed")


def test_public_pages_work_under_the_csp(page: Page) -> None:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    for path in PUBLIC:
        got = page.goto(path)
        assert got is not None and got.ok, path
        assert "frame-ancestors 'none'" in got.headers["content-security-policy"]
        expect(page.locator("main")).to_be_visible()
        check_a11y(page)
    page.goto("/hall/login")
    page.get_by_label(re.compile("手机号码|Mobile number")).fill("13512345678")  # no subscriber
    page.get_by_role("button", name=re.compile("获取验证码|Send me a code")).click()
    expect(page.get_by_text("验证码已通过短信发送")).to_be_visible()
    assert not errors, errors


def test_api_docs_render_under_their_csp(page: Page) -> None:
    page.goto("/docs")
    expect(page.locator(".swagger-ui .information-container")).to_be_visible(timeout=15000)
    page.goto("/redoc")
    expect(page.get_by_text(re.compile("Telcare")).first).to_be_visible(timeout=15000)
