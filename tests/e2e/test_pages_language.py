"""Every page, as every kind of user, in Chinese and in English: no text of the other
language's catalog and no raw code (an enum value, ``None``, a ``*`` filter) on the page.

The pages are the app's GET routes (its own route list), filled with a month of demo
activity so queues, ledgers and reports have rows; each role logs in the way the role
matrix test does.  Issue #20: "no page shows a raw code or the other language's text".
"""

from __future__ import annotations

import enum
import importlib
import pkgutil
import re
import string
from datetime import timedelta
from functools import cache
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

import telcare.domain
from telcare import clock
from telcare.demo.activity import generate
from telcare.domain.messages import catalogs
from telcare.domain.roles import Role
from telcare.store.chat_models import ChatSession
from telcare.store.complaint_models import Ticket
from telcare.store.uow import Database
from tests.conftest import _seed_small, copy_template
from tests.e2e.test_role_matrix import client_as, expected
from tests.e2e.test_route_guards import walk

SKIP = re.compile(r"\.csv$|^/metrics$|/a/\{attachment_id\}$|/login$")
CJK = re.compile(r"[\u4e00-\u9fff]")
# Pages another helper is rewriting (issue #20's staff console bullet), with what they still
# show raw: a problem found only on these pages makes the test xfail, not fail.
XFAIL: dict[str, str] = {
    r"^/staff/complaints/t/": "ticket audit trail prints field names and raw values "
    "(responded_at: None → …, statuses, channels); the console rewrite replaces it with a timeline",
    r"^/staff/quality/indicator/": "indicator evidence table prints raw field names, channels and "
    "statuses (quality dashboard rewrite)",
    r"^/staff/antispam/actions$": "audit detail as key=value pairs (spam platform console rewrite)",
    r"^/staff/loyalty/rules$": "loyalty tier and brand codes in the rule table and filters "
    "(loyalty console rewrite)",
    # Hall pages (the subscriber-pages rewrite): ledger and points reasons are stored as
    # Chinese (or English seed) text when the entry is posted ("opening balance",
    # "充值卡 9202…0002"); showing them in the reader's language needs a reason key and
    # parameters on the ledger entry — not done here.
    r"^/staff/logins/$": "the login audit's details are shown as the JSON they are stored as",
    r"^/hall/(ledger|points|statement)$": "ledger and points reasons stored as text at posting",
}


HIDDEN = ("script", "style", "template", "code", "pre", "kbd", "samp", "textarea")


class _Visible(HTMLParser):
    """The text a reader sees or hears: text nodes and aria-label / title / placeholder.

    Code and editors (``code``, ``pre``, ``kbd``, ``samp``, ``textarea``) show codes on purpose;
    an element marked ``data-content`` holds what a person wrote or was sent (a complaint's
    summary, a chat transcript) in whatever language it was written.
    """

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip: list[str] = []  # the tags of the skipped element and its same-named children

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip:
            if tag == self._skip[0]:
                self._skip.append(tag)
            return
        if tag in HIDDEN or any(name == "data-content" for name, _ in attrs):
            self._skip.append(tag)
            return
        for name, value in attrs:
            if name in ("aria-label", "title", "placeholder", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if self._skip and tag == self._skip[0]:
            self._skip.pop()

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def visible(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return "\n".join(parser.parts)


def _fragments(text: str) -> list[str]:
    """The literal pieces of a catalog text between its placeholders."""
    return [lit.strip() for lit, *_ in string.Formatter().parse(text) if lit and lit.strip()]


@cache
def other_language_pieces() -> dict[str, tuple[str, ...]]:
    """For each page language, catalog pieces of the other one that must not show."""
    zh = {p for t in catalogs()["zh"].values() for p in _fragments(t) if len(CJK.findall(p)) >= 3}
    en = {
        p
        for t in catalogs()["en"].values()
        for p in _fragments(t)
        if len(p) >= 12 and " " in p and re.search(r"[a-z]{3}", p) and not CJK.search(p)
    }
    return {"en": tuple(sorted(zh)), "zh": tuple(sorted(en))}


@cache
def raw_codes() -> frozenset[str]:
    """Every value of the domain's string enums: shown raw, it is a code, not a text."""
    codes: set[str] = set()
    for info in pkgutil.walk_packages(telcare.domain.__path__, "telcare.domain."):
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, enum.Enum) and obj.__module__ == info.name:
                codes |= {str(v.value) for v in obj if isinstance(v.value, str)}
    return frozenset(c for c in codes if re.fullmatch(r"[a-z][a-zA-Z_]{2,}", c))


def problems(text: str, lang: str) -> list[str]:
    found = [f"other language: {p!r}" for p in other_language_pieces()[lang] if p in text]
    if lang == "zh":  # an English phrase (two lowercase words) on a Chinese page, but not a
        # command name quoted in a text ("telcare worker"); Chinese data (names, addresses,
        # SMS bodies) is legitimately on English pages, so the English side has no such check
        phrases = set(re.findall(r"(?<!telcare )\b[a-z]{3,} [a-z]{3,}\b", text))
        found += [f"english: {w!r}" for w in sorted(p for p in phrases if "telcare" not in p)]
    words = set(re.findall(r"(?<![\w./@:-])[A-Za-z_]+(?![\w/@-])", text))
    codes = words & raw_codes()
    if lang == "en":  # plain English words may be codes too ("clear"); only code-shaped ones
        codes = {c for c in codes if "_" in c or re.search(r"[a-z][A-Z]", c)}
    found += [f"raw code: {c!r}" for c in sorted(codes)]
    if lang == "zh":  # in English these are words too ("None.", "False advertising")
        found += [f"raw code: {c!r}" for c in sorted(words & {"None", "True", "False", "null"})]
    found += [f"snake_case: {w!r}" for w in sorted(words) if re.fullmatch(r"[a-z]+(_[a-z]+)+", w)]
    if re.search(r"(^|\s|[:：·(（])\*($|\s|[)）])", text, re.M):
        found.append("raw code: '*'")
    return found


def _around(text: str, problem: str) -> str:
    """The problem's first place on the page, with a little context."""
    word = problem.split("'")[1] if "'" in problem else problem
    at = text.find(word)
    return text[max(0, at - 30) : at + len(word) + 30].replace("\n", " | ") if at >= 0 else ""


@pytest.fixture(scope="module")
def busy_db(templates, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The demo fixtures plus a month of demo activity, shared by the module's tests."""
    for db in copy_template("sqlite", _seed_small, templates, tmp_path_factory.mktemp("pages")):
        generate(db, months=1, until=(clock.now() - timedelta(days=1)).date().isoformat())
        yield db


def _ids(db: Database) -> dict[str, str]:
    with db.uow() as uow:
        s = uow.session
        ticket = s.scalar(select(Ticket.id).order_by(Ticket.id.desc()).limit(1))
        chat = s.scalar(select(ChatSession.id).order_by(ChatSession.id.desc()).limit(1))
    return {"ticket_id": str(ticket or 1), "chat_id": str(chat or 1), "code": "CMP_SLA"}


def pages(db: Database, role: Role) -> list[str]:
    ids = _ids(db)
    out = []
    for route in walk(db, demo=True):
        if "GET" not in route.methods.split(",") or not route.found or SKIP.search(route.path):
            continue
        if route.path.startswith(("/api/", "/tmf-api/", "/static", "/docs", "/redoc", "/openapi")):
            continue
        if expected(route, role):
            out.append(re.sub(r"\{(\w+)\}", lambda g: ids.get(g.group(1), "1"), route.path))
    return out


# Every kind of caller once; of the four staff posts, the two whose page sets differ most
# (an HQ admin sees every console, a provincial agent its province's); the other two see
# the same pages in between, and walking them too cost the suite a minute and a half.
WALKED = [r for r in Role if r not in (Role.HQ_AGENT, Role.PROVINCE_ADMIN)]


@pytest.mark.parametrize("role", WALKED, ids=[r.value for r in WALKED])
def test_pages_show_one_language_and_no_raw_codes(busy_db: Database, role: Role) -> None:
    client: TestClient = client_as(busy_db, role)  # one login (a second code would be refused)
    csrf = client.headers["X-CSRF-Token"]
    walked, bad, xfailed = 0, [], []
    for lang in ("zh", "en"):
        client.post("/hall/lang", data={"lang": lang, "next": "/", "csrf_token": csrf})
        for path in pages(busy_db, role):
            answer = client.get(path, headers={"Accept": "text/html"})
            if not answer.headers.get("content-type", "").startswith("text/html"):
                continue
            assert answer.status_code < 500, f"{path}: {answer.status_code}"
            if answer.status_code == 200:
                assert (lang == "en") == ('<html lang="en"' in answer.text), f"{path}: not {lang}"
            walked += 1
            text = visible(answer.text)
            found = [f"{p} in «{_around(text, p)}»" for p in problems(text, lang)]
            if found:
                (xfailed if any(re.search(x, path) for x in XFAIL) else bad).append(
                    f"{lang} {path}: {found}"
                )
    assert walked, "no page walked"
    assert not bad, f"{role.value}:\n" + "\n".join(bad)
    if xfailed:
        pytest.xfail("; ".join(xfailed))
