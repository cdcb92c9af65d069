"""Walk every main page of the business hall and of the staff console, in Chinese and
English, at desktop size and at 390×844 (a phone): each page passes axe-core (no serious
or critical violation) and leaves a screenshot in ``tests/browser/screenshots/``."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, StorageState, expect
from sqlalchemy import update

from telcare.channels.web.staff import CONSOLES
from telcare.services.hashing import hash_secret
from telcare.store.models import StaffUser
from tests.browser.a11y import check_a11y
from tests.browser.conftest import Hall

pytestmark = pytest.mark.browser
LogIn = Callable[[Page, str], None]
WALKERS = {"zh": "15283815855", "en": "13503383935"}  # generated lines no other test logs in
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
PUBLIC = ("/", "/hall/login", "/staff/login", "/sms/simulator")
HALL = ("/hall/", "/hall/packages", "/hall/recharge", "/hall/ledger", "/hall/statement",
        "/hall/points", "/hall/complaints", "/hall/chat", "/hall/spam", "/hall/van",
        "/hall/survey", "/hall/sp")  # fmt: skip
STAFF_PASSWORD = "pw-walk"


def _switch_to(page: Page, lang: str) -> None:
    if page.evaluate("document.documentElement.lang") != ("en" if lang == "en" else "zh-CN"):
        page.locator("header form.lang button").click()
        expect(page.locator("html")).to_have_attribute("lang", "en" if lang == "en" else "zh-CN")


@pytest.fixture(scope="module")
def sessions(browser: Browser, live_hall: Hall) -> dict[tuple[str, str], StorageState]:
    """Logged-in browser state per (who, language): one login each for the module."""
    from tests.browser.conftest import login_code_for

    with live_hall.db.uow() as uow:
        uow.session.execute(
            update(StaffUser).where(StaffUser.username == "hq-admin")
            .values(password_hash=hash_secret(STAFF_PASSWORD))
        )  # fmt: skip
        uow.commit()
    states: dict[tuple[str, str], StorageState] = {}
    for lang, msisdn in WALKERS.items():
        ctx = browser.new_context(base_url=live_hall.url)
        page = ctx.new_page()
        login_code_for(page, live_hall, msisdn)
        _switch_to(page, lang)
        states[("hall", lang)] = ctx.storage_state()
        ctx.close()
        ctx = browser.new_context(base_url=live_hall.url)
        page = ctx.new_page()
        page.goto("/staff/login")
        _switch_to(page, lang)
        page.locator("input[name=username]").fill("hq-admin")
        page.locator("input[name=password]").fill(STAFF_PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/staff/$"))
        states[("staff", lang)] = ctx.storage_state()
        ctx.close()
    return states


def _context(
    browser: Browser, live_hall: Hall, viewport: str, lang: str = "zh",
    state: StorageState | None = None,
) -> Iterator[BrowserContext]:  # fmt: skip
    ctx = browser.new_context(
        base_url=live_hall.url, viewport=VIEWPORTS[viewport], storage_state=state,
        is_mobile=viewport == "phone", locale="en-US" if lang == "en" else "zh-CN",
    )  # fmt: skip
    ctx.set_default_timeout(10000)
    blocked: list[str] = []  # the pages must work under their CSP, as in conftest's context
    ctx.on("console", lambda m: blocked.append(f"{m.location.get('url')}: {m.text[:90]}")
           if "Content Security Policy" in m.text else None)  # fmt: skip
    yield ctx
    ctx.close()
    assert not blocked, blocked


def _walk(ctx: BrowserContext, paths: list[str] | tuple[str, ...], lang: str) -> None:
    page = ctx.new_page()
    failures = []
    for path in paths:
        answer = page.goto(path)
        assert answer is not None and answer.ok, f"{path}: {answer and answer.status}"
        expect(page.locator("html")).to_have_attribute("lang", "en" if lang == "en" else "zh-CN")
        try:
            check_a11y(page, path)
        except AssertionError as err:
            failures.append(str(err))
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_walk_the_hall(
    browser: Browser, live_hall: Hall, sessions: dict[tuple[str, str], StorageState],
    lang: str, viewport: str,
) -> None:  # fmt: skip
    for ctx in _context(browser, live_hall, viewport, lang, sessions[("hall", lang)]):
        _walk(ctx, HALL, lang)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_walk_the_staff_console(
    browser: Browser, live_hall: Hall, sessions: dict[tuple[str, str], StorageState],
    lang: str, viewport: str,
) -> None:  # fmt: skip
    paths = ["/staff/", *(href for href, _key in CONSOLES)]
    for ctx in _context(browser, live_hall, viewport, lang, sessions[("staff", lang)]):
        _walk(ctx, paths, lang)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_walk_the_public_pages(browser: Browser, live_hall: Hall, viewport: str) -> None:
    for ctx in _context(browser, live_hall, viewport):
        _walk(ctx, PUBLIC, "zh")
