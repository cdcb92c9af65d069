"""The quality report renders: HTML with inline charts, a PDF, Chinese glyphs (not boxes)."""

from __future__ import annotations

import io
import os
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

from telcare.channels import quality_report as rep
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
    family = rep.cjk_font()
    assert family is not None, "install fonts-noto-cjk"
    path = font_manager.findfont(FontProperties(family=family), fallback_to_default=False)
    charmap = FT2Font(path).get_charmap()
    title = rep.tr("title", "zh", place="西藏", month=MONTH) + rep.tr("standards", "zh")
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
    assert pdf_path.read_bytes().startswith(b"%PDF") and pdf_path.stat().st_size > 10_000
    first, trends, ranking, _table = rep.pdf_figures(ov)
    cover = rep.png(first, dpi=50)
    assert _ink(cover, (0.2, 0.0, 0.8, 0.08)) > 0.01  # the Chinese title has ink
    assert _ink(cover, (0.0, 0.1, 1.0, 1.0)) > 0.3  # the standards tiles
    assert _ink(rep.png(trends, dpi=50)) > 0.02  # lines, labels, axes
    assert _ink(rep.png(ranking, dpi=50)) > 0.02
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


def test_pdf_first_page_as_an_image_has_charts_and_chinese_glyphs(
    sqlite_db: Database, tmp_path: Path
) -> None:
    """The PDF itself, rasterised by poppler (not by matplotlib): ink where the title and
    the standards tiles are, and the Chinese drawn from an embedded CJK font (not boxes)."""
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
    assert _ink(png, (0.2, 0.0, 0.8, 0.08)) > 0.01  # the Chinese title
    assert _ink(png, (0.0, 0.1, 1.0, 1.0)) > 0.3  # the standards tiles
    fonts = subprocess.run(
        [pdffonts, "-f", "1", "-l", "1", str(pdf_path)],
        check=True, capture_output=True, text=True, timeout=60,
    ).stdout  # fmt: skip
    assert "CJK" in fonts, fonts  # glyphs from Noto Sans CJK, so no missing-glyph boxes


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
    pages = rep.pdf_figures(july, "en", report)
    assert len(pages) == len(rep.pdf_figures(july, "en")) + 1  # a page of actions
    for fig in pages:
        rep.plt.close(fig)


def rep_hq():  # type: ignore[no-untyped-def]
    from telcare.domain.access import Kind, Principal

    return Principal(Kind.STAFF, "hq-admin", "HQ", "admin")
