"""The monthly service-quality report of a province (or the nation): one template
(``templates/quality.html``) rendered to HTML with its charts inline as SVG, and the
same HTML printed to PDF."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from telcare.channels.documents.charts import (
    place_name,
    ranking_chart,
    standards_chart,
    svg,
    trend_chart,
)
from telcare.channels.documents.printing import print_pdf, render_document
from telcare.channels.documents.texts import tr
from telcare.domain import quality as q
from telcare.services.quality import Overview, Row, fmt_value
from telcare.services.quality.actions import ActionsReport


@dataclass(frozen=True)
class Line:
    """One indicator as printed: every figure already formatted."""

    code: str
    name: str
    unit: str
    value: str
    previous: str
    target: str
    change: float | None
    better: bool
    meets: str  # "good", "bad" or "" (no target or no data)
    rank: str


def _line(row: Row, lang: str) -> Line:
    ind = row.indicator
    return Line(
        code=ind.code,
        name=ind.name(lang),
        unit=ind.unit,
        value=fmt_value(ind, row.value),
        previous=fmt_value(ind, row.previous),
        target=fmt_value(ind, ind.target),
        change=row.change,
        better=bool(q.improved(ind, row.value, row.previous)),
        meets="" if row.meets is None else ("good" if row.meets else "bad"),
        rank=f"{row.rank}/{row.ranked}" if row.rank else "—",
    )


def _evidence(res: q.StandardResult, lang: str) -> str:
    ind = q.BY_CODE[res.standard.indicator]
    op = "≥" if res.standard.direction is q.Direction.HIGHER else "≤"
    limit = f"{op} {fmt_value(ind, res.standard.threshold)}{ind.unit}"
    if res.outcome is q.Outcome.NO_DATA:
        return f"{ind.name(lang)}: {tr('no_data', lang)} ({limit})"
    parts = f"{res.numerator:,.0f}" + (
        f" / {res.denominator:,.0f}" if res.denominator is not None else ""
    )
    return f"{ind.name(lang)} = {fmt_value(ind, res.value)}{ind.unit} ({parts}; {limit})"


def title(ov: Overview, lang: str) -> str:
    return tr("title", lang, place=place_name(ov.province, lang), month=ov.month)


def context(ov: Overview, lang: str, actions: ActionsReport | None = None) -> dict[str, Any]:
    """What the template shows: texts, formatted figures and the charts as SVG."""
    return {
        "title": title(ov, lang),
        "tr": lambda key, **kw: tr(key, lang, **kw),
        "standards": [
            {
                "code": res.standard.code,
                "name": res.standard.name(lang),
                "outcome": res.outcome.value,
                "evidence": _evidence(res, lang),
            }
            for res in ov.standards
        ],
        "problems": [_line(r, lang) for r in ov.problems],
        "movers": [_line(r, lang) for r in ov.movers],
        "rows": [_line(r, lang) for r in ov.rows],
        "charts": {
            "standards": Markup(svg(standards_chart(ov, lang))),
            "trend": Markup(svg(trend_chart(ov, lang))),
            "ranking": Markup(svg(ranking_chart(ov, "CMP_RATE", lang))),
        },
        "actions": actions,
    }


def render_html(ov: Overview, lang: str = "zh", actions: ActionsReport | None = None) -> str:
    """The report as one self-contained HTML page (charts inline as SVG); with the
    month's open and closed improvement actions when given."""
    return render_document("quality.html", lang, **context(ov, lang, actions))


def render_pdf(ov: Overview, lang: str = "zh", actions: ActionsReport | None = None) -> bytes:
    """The same page printed (A4, numbered pages, headers repeated on every page)."""
    return print_pdf(render_html(ov, lang, actions))


def write_report(
    ov: Overview, out: Path, lang: str = "zh", actions: ActionsReport | None = None
) -> tuple[Path, Path]:
    """Write ``out`` (HTML) and the PDF printed from it next to it (same name, ``.pdf``)."""
    html_path = out if out.suffix.lower() in (".html", ".htm") else out.with_suffix(".html")
    pdf_path = html_path.with_suffix(".pdf")
    html_path.parent.mkdir(parents=True, exist_ok=True)
    page = render_html(ov, lang, actions)
    html_path.write_text(page, encoding="utf-8")
    pdf_path.write_bytes(print_pdf(page))
    return html_path, pdf_path
