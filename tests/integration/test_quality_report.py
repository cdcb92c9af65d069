"""The quality report renders: HTML with inline SVG charts, and the PDF printed from that
HTML (WeasyPrint) with numbered pages, extractable Chinese, the same figures and tables
whose header repeats on every page they span."""

from __future__ import annotations

import html
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from matplotlib import font_manager
from matplotlib.font_manager import FontProperties
from matplotlib.ft2font import FT2Font
from PIL import Image
from typer.testing import CliRunner

from telcare.channels.documents import charts
from telcare.channels.documents import quality as rep
from telcare.channels.documents.texts import tr
from telcare.channels.report_cli import app
from telcare.config import get_settings
from telcare.services.quality import overview
from telcare.store.uow import Database
from tests.integration.quality_fixture import MONTH, load


def _ink(png: bytes, box: tuple[float, float, float, float] = (0, 0, 1, 1)) -> float:
    """Share of non-white pixels in a box given as fractions of the image."""
    img = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    h, w = img.shape
    x0, y0, x1, y1 = box
    region = img[int(y0 * h) : int(y1 * h), int(x0 * w) : int(x1 * w)]
    return float((region < 200).mean())


def test_cjk_font_has_the_glyphs_of_the_report() -> None:
    family = charts.cjk_font()
    assert family is not None, "install fonts-noto-cjk"
    path = font_manager.findfont(FontProperties(family=family), fallback_to_default=False)
    charmap = FT2Font(path).get_charmap()
    title = tr("title", "zh", place="西藏", month=MONTH) + tr("standards", "zh")
    assert all(ord(c) in charmap for c in title if not c.isascii())


def test_report_renders_with_charts_and_chinese_text(sqlite_db: Database, tmp_path: Path) -> None:
    load(sqlite_db)
    ov = overview(sqlite_db, "XZ", MONTH)
    html_path, pdf_path = rep.write_report(ov, tmp_path / "r.html")
    page = html_path.read_text(encoding="utf-8")
    assert "西藏2024-06服务质量报告" in page and page.count("<svg") >= 3
    assert (
        "投诉24小时内首次响应" in page and "未达标" in page and "http" not in page.split("<svg")[0]
    )
    assert "<thead>" in page and "counter(pages)" in page  # headers repeat, pages numbered
    assert pdf_path.read_bytes().startswith(b"%PDF") and pdf_path.stat().st_size > 10_000
    assert _ink(charts.png(charts.standards_chart(ov, "zh"), dpi=50), (0.0, 0.1, 1.0, 1.0)) > 0.3
    assert _ink(charts.png(charts.trend_chart(ov, "zh"), dpi=50)) > 0.02  # lines, labels, axes
    assert _ink(charts.png(charts.ranking_chart(ov, "CMP_RATE", "zh"), dpi=50)) > 0.02
    english = rep.render_html(ov, "en")
    assert "Service-quality report, Tibet, 2024-06" in english


def _poppler(tool: str) -> str:
    """The path of a poppler-utils tool; skipped without it, except in CI (which must have it)."""
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("TELCARE_REQUIRE_PG") == "1":
            pytest.fail(f"{tool} is missing: CI must install poppler-utils")
        pytest.skip(f"{tool} not installed (Debian package poppler-utils)")
    return path


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page of a PDF, as pdftotext extracts it (form feeds split pages)."""
    out = subprocess.run(
        [_poppler("pdftotext"), "-layout", "-enc", "UTF-8", str(pdf), "-"],
        check=True, capture_output=True, text=True, timeout=60,
    ).stdout  # fmt: skip
    return out.split("\f")[:-1]


def test_pdf_first_page_as_an_image_has_charts_and_chinese_glyphs(
    sqlite_db: Database, tmp_path: Path
) -> None:
    """The PDF itself, rasterised by poppler: the first page has the title and the
    standards chart, and the Chinese is drawn from an embedded CJK font (not boxes)."""
    pdftoppm, pdffonts = _poppler("pdftoppm"), _poppler("pdffonts")
    load(sqlite_db)
    _html, pdf_path = rep.write_report(overview(sqlite_db, "XZ", MONTH), tmp_path / "r.html")
    prefix = tmp_path / "page"
    subprocess.run(
        [pdftoppm, "-f", "1", "-l", "1", "-r", "50", "-png", "-singlefile", str(pdf_path),
         str(prefix)],
        check=True, timeout=60,
    )  # fmt: skip
    png = prefix.with_suffix(".png").read_bytes()
    assert _ink(png) > 0.05, "the first page is blank"
    assert _ink(png, (0.1, 0.0, 0.9, 0.12)) > 0.01  # the Chinese title
    fonts = subprocess.run(
        [pdffonts, "-f", "1", "-l", "1", str(pdf_path)],
        check=True, capture_output=True, text=True, timeout=60,
    ).stdout  # fmt: skip
    assert "CJK" in fonts, fonts  # glyphs from Noto Sans CJK, so no missing-glyph boxes


def test_pdf_pages_are_numbered_and_its_chinese_is_text(
    sqlite_db: Database, tmp_path: Path
) -> None:
    """Every page says "第 n 页，共 N 页"; the Chinese is extractable text, not pictures."""
    load(sqlite_db)
    _html, pdf_path = rep.write_report(overview(sqlite_db, "XZ", MONTH), tmp_path / "r.html")
    pages = pdf_pages(pdf_path)
    assert len(pages) >= 2
    for n, text in enumerate(pages, start=1):
        assert f"第 {n} 页，共 {len(pages)} 页" in text, text[-300:]
    whole = "".join(pages)
    assert "西藏2024-06服务质量报告" in whole and "八项基本服务标准" in whole
    assert "投诉24小时内首次响应" in re.sub(r"\s+", "", whole)
    _html, en_pdf = rep.write_report(
        overview(sqlite_db, "XZ", MONTH), tmp_path / "en.html", lang="en"
    )
    en_pages = pdf_pages(en_pdf)
    assert f"Page 1 of {len(en_pages)}" in en_pages[0]


def test_html_and_pdf_show_the_same_figures(sqlite_db: Database, tmp_path: Path) -> None:
    """Each indicator's figures in the HTML table are in the PDF's indicator rows."""
    load(sqlite_db)
    html_path, pdf_path = rep.write_report(overview(sqlite_db, "XZ", MONTH), tmp_path / "r.html")
    page = html_path.read_text(encoding="utf-8")
    rows = re.findall(r'<tr data-indicator="(\w+)">(.*?)</tr>', page, re.S)
    assert len(rows) >= 10
    pdf_lines = [re.sub(r"\s+", " ", ln) for ln in "".join(pdf_pages(pdf_path)).splitlines()]
    for code, row in rows:
        figures = re.findall(r'data-figure="\w+">([^<]*)<', row)
        line = next((ln for ln in pdf_lines if ln.strip().startswith(code + " ")), None)
        assert line is not None, code
        for figure in figures:
            assert html.unescape(figure) in line, (code, figure, line)


def test_a_long_table_breaks_across_pages_with_its_header_repeated(
    sqlite_db: Database, tmp_path: Path
) -> None:
    """Sixty improvement actions fill more than a page: the table's header is printed
    again at the top of every page it continues on."""
    from datetime import UTC, date, datetime

    from telcare.services.quality.actions import ActionsReport, ActionView

    load(sqlite_db)
    ov = overview(sqlite_db, "XZ", MONTH)
    many = [
        ActionView(
            id=i,
            source="standard",
            source_ref=f"standard:S{i}",
            province="XZ",
            month=MONTH,
            indicator="CMP_RATE",
            title=f"整改事项{i}",
            department="客户服务部",
            owner="张三",
            plan="",
            due_on=date(2024, 8, 1),
            status="open",
            evidence="",
            verification={},
            escalation=0,
            escalated_to="",
            meeting_id=None,
            incident_id=None,
            created_at=datetime(2024, 7, 1, tzinfo=UTC),
            closed_at=None,
        )
        for i in range(1, 61)
    ]
    pdf = tmp_path / "long.pdf"
    pdf.write_bytes(rep.render_pdf(ov, "zh", ActionsReport(open=many, closed=[])))
    pages = pdf_pages(pdf)
    spanned = [p for p in pages if re.search(r"整改事项\d+", p)]
    assert len(spanned) >= 2, "sixty actions fit on one page?"
    for text in spanned:
        assert re.search(r"#\s+指标\s+责任部门 / 责任人\s+完成时限\s+状态", text), text[:400]
    assert all(f"整改事项{i}" in "".join(spanned) for i in range(1, 61))


def test_report_command(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(sqlite_db)
    monkeypatch.setenv("TELCARE_DATABASE_URL", sqlite_db.url)
    get_settings.cache_clear()
    try:
        out = tmp_path / "q.html"
        args = ["quality", "--province", "XZ", "--month", MONTH, "--out", str(out), "--lang", "en"]
        res = CliRunner().invoke(app, args)
        assert res.exit_code == 0, res.output
        assert out.exists() and out.with_suffix(".pdf").exists()
        bad = CliRunner().invoke(app, ["quality", "--province", "ZZ", "--out", str(out)])
        assert bad.exit_code != 0
    finally:
        monkeypatch.delenv("TELCARE_DATABASE_URL")
        get_settings.cache_clear()


def test_the_next_report_lists_the_action_a_missed_standard_opened(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue #22's "done when": June's failed S1 in XZ opens an action; July's report (the
    next one) lists it as open, with its owner and due date, until it is verified."""
    from datetime import UTC, datetime

    from telcare.services.quality import actions

    load(sqlite_db)
    actions.open_for_missed(sqlite_db, MONTH, now=datetime(2024, 7, 2, tzinfo=UTC))
    (s1,) = [a for a in actions.list_actions(sqlite_db, rep_hq(), province="XZ")
             if a.source_ref == "standard:S1:XZ:2024-06"]  # fmt: skip
    monkeypatch.setenv("TELCARE_DATABASE_URL", sqlite_db.url)
    get_settings.cache_clear()
    try:
        out = tmp_path / "july.html"
        args = ["quality", "--province", "XZ", "--month", "2024-07", "--out", str(out)]
        assert CliRunner().invoke(app, args).exit_code == 0
        page = out.read_text(encoding="utf-8")
        assert "整改事项" in page and f'data-action="{s1.id}"' in page and "S1" in page
        assert "客户服务部" in page and "2024-08-01" in page
    finally:
        monkeypatch.delenv("TELCARE_DATABASE_URL")
        get_settings.cache_clear()
    report = actions.for_report(sqlite_db, "XZ", "2024-07")
    july = overview(sqlite_db, "XZ", "2024-07")
    page = rep.render_html(july, "en", report)
    assert "Open (" in page and f'data-action="{s1.id}"' in page
    pdf = tmp_path / "july.pdf"
    pdf.write_bytes(rep.render_pdf(july, "en", report))
    assert re.search(rf"\b{s1.id}\s+XZ 2024-06", "".join(pdf_pages(pdf)))  # the printed row


def rep_hq():  # type: ignore[no-untyped-def]
    from telcare.domain.access import Kind, Principal

    return Principal(Kind.STAFF, "hq-admin", "HQ", "admin")
