"""Where the service-quality report used to live: its parts are now in
:mod:`telcare.channels.documents` (``charts``, ``quality``); kept for the pages that
import the chart helpers from here."""

from __future__ import annotations

from telcare.channels.documents.charts import (
    CJK_FONTS,
    cjk_font,
    place_name,
    plt,
    png,
    ranking_chart,
    standards_chart,
    svg,
    trend_chart,
)
from telcare.channels.documents.quality import render_html, render_pdf, write_report
from telcare.channels.documents.texts import TEXT, tr

__all__ = [
    "CJK_FONTS",
    "TEXT",
    "cjk_font",
    "place_name",
    "plt",
    "png",
    "ranking_chart",
    "render_html",
    "render_pdf",
    "standards_chart",
    "svg",
    "tr",
    "trend_chart",
    "write_report",
]
