"""Browser fixtures: the real app under uvicorn on a free port, and Debian's chromium.

One server and one browser per session (fast); each test gets a fresh browser
context (its own cookies) and uses its own demo subscriber, so the tests do not
depend on each other or trip the one-code-a-minute login limit.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from telcare.channels.api.app import create_app
from telcare.demo.seed import seed_demo
from telcare.services import hall
from telcare.store.migrate import upgrade
from telcare.store.uow import Database

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright  # noqa: E402


@dataclass(frozen=True)
class Hall:
    """The running app: its base URL and its database (to read the SMS outbox)."""

    url: str
    db: Database

    def login_code(self, msisdn: str) -> str:
        found = re.search(r"\d{6}", hall.recent_sms(self.db, msisdn)[0].text)
        assert found, "no login code in the outbox"
        return found.group(0)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hall]:
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'telcare.db'}"
    db = Database(url)
    upgrade(url, db.engine)
    seed_demo(db, subscribers=7)  # three fixtures, one line for chat, two walked, one keyboard
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(db, demo=True), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    yield Hall(f"http://127.0.0.1:{port}", db)
    server.should_exit = True
    thread.join(timeout=5)
    db.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (/usr/bin/chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def context(browser: Browser, live_hall: Hall) -> Iterator[BrowserContext]:
    """A fresh context; the test fails if any page logged a Content-Security-Policy
    violation (the pages must work under their CSP). ReDoc's logo from its CDN is blocked
    on purpose (the docs work offline)."""
    ctx = browser.new_context(base_url=live_hall.url, locale="zh-CN")
    ctx.set_default_timeout(5000)
    violations: list[str] = []
    ctx.on(
        "console",
        lambda msg: (
            violations.append(msg.text)
            if "Content Security Policy" in msg.text and "https://cdn.redoc.ly/" not in msg.text
            else None
        ),
    )
    yield ctx
    ctx.close()
    assert not violations, violations


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def log_in(live_hall: Hall) -> Callable[[Page, str], None]:
    """Log in through the login page, reading the code from the SMS outbox."""

    def run(page: Page, msisdn: str) -> None:
        login_code_for(page, live_hall, msisdn)

    return run


def login_code_for(page: Page, live_hall: Hall, msisdn: str) -> None:
    """Log ``page`` in as ``msisdn`` through the login page (the code from the outbox)."""
    page.goto("/hall/login")
    page.get_by_label(re.compile("手机号码|Mobile number")).fill(msisdn)
    page.get_by_role("button", name=re.compile("获取验证码|Send me a code")).click()
    page.get_by_label(re.compile("短信验证码|SMS code")).fill(live_hall.login_code(msisdn))
    page.get_by_role("button", name=re.compile("^(登录|Log in)$")).click()
    page.wait_for_url("**/hall/")
