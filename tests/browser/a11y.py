"""Accessibility checks and screenshots for the browser tests.

:func:`check_a11y` runs axe-core (axe-playwright-python's copy, injected through the
DevTools protocol, so the pages' CSP stays strict) on the page as it is now, saves a
full-page screenshot into ``tests/browser/screenshots/`` (git-ignored) named by test,
language, viewport and page, and fails on any *serious* or *critical* violation with
the rule, the elements and axe's advice.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

SCREENSHOTS = Path(__file__).parent / "screenshots"
BLOCKING = ("serious", "critical")
_AXE = Axe()
_RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                 "best-practice"]}}  # fmt: skip


def _test_name() -> str:
    current = os.environ.get("PYTEST_CURRENT_TEST", "test").split(" ")[0]
    return current.rsplit("::", 1)[-1].split("[")[0]  # the language and size come next


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-") or "home"


def screenshot(page: Page, what: str = "") -> Path:
    """Save the whole page as ``<test>-<lang>-<width>x<height>-<page>.png``."""
    lang = page.evaluate("document.documentElement.lang") or "none"
    size = page.viewport_size or {"width": 0, "height": 0}
    path = page.url.split("://", 1)[-1].split("/", 1)[-1].split("?", 1)[0]
    name = f"{_slug(_test_name())}-{lang}-{size['width']}x{size['height']}-{_slug(what or path)}"
    SCREENSHOTS.mkdir(exist_ok=True)
    out = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=out, full_page=True)
    return out


def violations(page: Page) -> list[dict[str, object]]:
    """axe-core's serious and critical violations on the page as it is now."""
    found = _AXE.run(page, options={**_RULES, "resultTypes": ["violations"]}).response
    return [v for v in found["violations"] if v.get("impact") in BLOCKING]


def report(found: list[dict[str, object]]) -> str:
    lines = []
    for v in found:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:6]:  # type: ignore[index]
            lines.append(f"    {', '.join(node['target'])}: {node['html'][:160]}")
    return "\n".join(lines)


def check_a11y(page: Page, what: str = "") -> None:
    """Screenshot the page, then fail on a serious or critical axe-core violation."""
    page.wait_for_load_state("load")
    screenshot(page, what)
    found = violations(page)
    assert not found, f"accessibility of {page.url}:\n{report(found)}"
