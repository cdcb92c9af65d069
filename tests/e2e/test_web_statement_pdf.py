"""The statement PDF: the subscriber's own from the hall page, a line's for staff within
their province; printed from the page's own template part, so the figures agree; its
pages numbered, its Chinese extractable and its items' header on every page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from telcare import clock
from telcare.config import secret_key
from telcare.domain.access import Kind, Principal
from telcare.domain.months import month_of
from telcare.services import accounts, auth
from telcare.store.uow import Database
from tests.e2e.test_web_hall import EN_USER, ZH_USER, client, log_in, text
from tests.integration.test_quality_report import pdf_pages

__all__ = ["client"]


def _pages(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "statement.pdf"
    path.write_bytes(pdf)
    return pdf_pages(path)


def _staff(username: str) -> dict[str, str]:
    """A bearer token of one of the seeded staff accounts (``hq-admin``, ``bj-agent`` …)."""
    province, post = username.upper().split("-")[0], username.split("-")[1]
    token = auth.issue_token(Principal(Kind.STAFF, username, province, post), secret_key())
    return {"Authorization": f"Bearer {token}"}


def test_the_pdf_shows_the_figures_of_the_page(
    client: TestClient, sqlite_db: Database, tmp_path: Path
) -> None:
    log_in(client, sqlite_db, ZH_USER)
    accounts.recharge(sqlite_db, ZH_USER, 2000, idempotency_key="pdf-1")
    accounts.charge(sqlite_db, ZH_USER, 300, idempotency_key="pdf-2", reason="月功能费")
    month = month_of(clock.now())
    html = client.get(f"/hall/statement?month={month}").text
    assert f'href="/hall/statement.pdf?month={month}"' in html
    answer = client.get(f"/hall/statement.pdf?month={month}")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/pdf"
    assert f"statement-{ZH_USER}-{month}.pdf" in answer.headers["content-disposition"]
    pages = _pages(answer.content, tmp_path)
    whole = re.sub(r"\s+", " ", "".join(pages))
    assert f"{month}月账单" in whole and "月功能费" in whole and "第 1 页，共 1 页" in whole
    rows = re.findall(r'<tr data-row="(\w+)"><th scope="row">([^<]+)</th><td[^>]*>(.*?)</td>', html)
    assert len(rows) == 7
    for _key, label, amount in rows:
        shown = text(amount).strip()
        assert re.search(rf"{re.escape(label)}\s+{re.escape(shown)}", whole), (label, shown)


def test_a_long_statement_spans_pages_with_the_header_on_each(
    client: TestClient, sqlite_db: Database, tmp_path: Path
) -> None:
    log_in(client, sqlite_db, EN_USER)
    accounts.recharge(sqlite_db, EN_USER, 100_000, idempotency_key="long-0")
    for i in range(1, 91):
        accounts.charge(sqlite_db, EN_USER, 10, idempotency_key=f"long-{i}", reason=f"item {i}")
    client.cookies.set("lang", "en")
    month = month_of(clock.now())
    pages = _pages(client.get(f"/hall/statement.pdf?month={month}").content, tmp_path)
    assert len(pages) >= 2
    itemised = [p for p in pages if re.search(r"item \d+", p)]
    assert len(itemised) >= 2
    for n, page in enumerate(pages, start=1):
        assert f"Page {n} of {len(pages)}" in page
    for page in itemised:
        assert re.search(r"Date\s+Item\s+Amount \(yuan\)\s+Balance \(yuan\)", page), page[:300]
    assert all(f"item {i} " in "".join(itemised) + " " for i in range(1, 91))


def test_staff_download_a_line_of_their_province(client: TestClient, tmp_path: Path) -> None:
    month = month_of(clock.now())
    url = f"/staff/statement.pdf?msisdn={ZH_USER}&month={month}"  # a Beijing line
    hq = client.get(url, headers=_staff("hq-admin"))
    assert hq.status_code == 200 and hq.content.startswith(b"%PDF")
    assert ZH_USER in "".join(_pages(hq.content, tmp_path))
    assert client.get(url, headers=_staff("bj-agent")).status_code == 200
    assert client.get(url, headers=_staff("gd-agent")).status_code in (403, 404)
    assert client.get(url).status_code in (401, 303)
    bad = client.get(f"/staff/statement.pdf?msisdn=123&month={month}", headers=_staff("hq-admin"))
    assert bad.status_code == 422


@pytest.mark.parametrize("month", ["2027-13", "nope"])
def test_a_bad_month_is_a_problem_not_a_crash(
    client: TestClient, sqlite_db: Database, month: str
) -> None:
    log_in(client, sqlite_db, ZH_USER)
    assert client.get(f"/hall/statement.pdf?month={month}").status_code == 422


def test_statement_command(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``telcare report statement MSISDN`` writes the HTML and the PDF printed from it."""
    from typer.testing import CliRunner

    from telcare.channels.report_cli import app
    from telcare.config import get_settings

    accounts.charge(sqlite_db, ZH_USER, 250, idempotency_key="cli-1", reason="月租")
    month = month_of(clock.now())
    monkeypatch.setenv("TELCARE_DATABASE_URL", sqlite_db.url)
    get_settings.cache_clear()
    try:
        out = tmp_path / "st.html"
        res = CliRunner().invoke(app, ["statement", ZH_USER, "--month", month, "--out", str(out)])
        assert res.exit_code == 0, res.output
        assert "月租" in out.read_text(encoding="utf-8")
        pages = pdf_pages(out.with_suffix(".pdf"))
        assert "月租" in "".join(pages) and "第 1 页，共 1 页" in pages[0]
        bad = CliRunner().invoke(app, ["statement", ZH_USER, "--month", "2027-13"])
        assert bad.exit_code != 0 and "2027-13" in bad.output
        nobody = CliRunner().invoke(app, ["statement", "13512345678", "--out", str(out)])
        assert nobody.exit_code != 0
    finally:
        monkeypatch.delenv("TELCARE_DATABASE_URL")
        get_settings.cache_clear()
