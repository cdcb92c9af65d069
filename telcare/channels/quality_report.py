"""Charts (matplotlib, Agg) and the monthly service-quality report (HTML and PDF).

Charts label their lines and bars directly (no legend); Chinese text uses a CJK
font found by matplotlib's font manager (Debian's fonts-noto-cjk).
"""

from __future__ import annotations

import base64
import contextlib
import functools
import html
import io
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib import font_manager
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from telcare.domain import quality as q
from telcare.domain.messages import render
from telcare.domain.provinces import HQ, PROVINCES
from telcare.services.quality import Overview, Row, fmt_value
from telcare.services.quality.actions import ActionsReport

CJK_FONTS = ("Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei", "Source Han Sans SC")
KEY_INDICATORS = ("CMP_RATE", "CMP_SLA", "SAT_SCORE", "SPAM_RATE", "ECH_SHARE", "RCH_SUCCESS")
GOOD, BAD, GREY, INK = "#1a7f37", "#cf222e", "#8c959f", "#24292f"
_NAMES = {p.code: p for p in PROVINCES}


def tr(key: str, lang: str, **kw: str) -> str:
    """The report's text ``key`` (``report.<key>`` in the catalogs, all listed in text_families)."""
    return render(f"report.{key}", lang, **kw)


def place_name(province: str, lang: str) -> str:
    if province == HQ:
        return tr("national", lang)
    p = _NAMES.get(province)
    return province if p is None else (p.name_en if lang == "en" else p.name_zh)


def cjk_font() -> str | None:
    """The first installed CJK font family, made matplotlib's default; None if there is none."""
    names = {f.name for f in font_manager.fontManager.ttflist}
    if not names.intersection(CJK_FONTS):
        names |= _add_fonts_installed_after_the_cache()
    for family in CJK_FONTS:
        if family in names:
            plt.rcParams["font.family"] = [family, "DejaVu Sans"]
            plt.rcParams["axes.unicode_minus"] = False
            return family
    return None


@functools.cache
def _add_fonts_installed_after_the_cache() -> set[str]:
    """matplotlib caches the font list once per machine; a CJK font installed later is
    missing from it, so look for one on disk (once per process) and register it."""
    known = {f.fname for f in font_manager.fontManager.ttflist}
    for path in font_manager.findSystemFonts():
        if path not in known and any(k in path for k in ("CJK", "wqy", "SourceHan")):
            with contextlib.suppress(Exception):  # an unreadable font file is skipped
                font_manager.fontManager.addfont(path)
    return {f.name for f in font_manager.fontManager.ttflist}


# --- charts ---------------------------------------------------------------------------


def trend_chart(ov: Overview, lang: str, codes: Sequence[str] = KEY_INDICATORS) -> Figure:
    """Small multiples of key indicators over the months, the last value and target labelled."""
    cjk_font()
    rows = {r.indicator.code: r for r in ov.rows}
    shown = [rows[c] for c in codes if c in rows]
    cols = 3
    lines = (len(shown) + cols - 1) // cols
    fig, axes = plt.subplots(lines, cols, figsize=(11, 3.0 * lines), squeeze=False)
    labels = [m[2:] for m in ov.months]
    for ax, row in zip(axes.flat, shown, strict=False):
        ind = row.indicator
        xs = [i for i, v in enumerate(row.trend) if v is not None]
        ys = [v for v in row.trend if v is not None]
        colour = GOOD if row.meets is not False else BAD
        ax.plot(xs, ys, marker="o", color=colour, linewidth=2)
        if ys:
            ax.annotate(fmt_value(ind, ys[-1]), (xs[-1], ys[-1]), textcoords="offset points",
                        xytext=(6, 4), color=colour, fontsize=10, fontweight="bold")  # fmt: skip
        else:
            ax.text(0.5, 0.5, tr("no_data", lang), transform=ax.transAxes, ha="center",
                    color=GREY)  # fmt: skip
        if ind.target is not None:
            ax.axhline(ind.target, color=GREY, linestyle="--", linewidth=1)
            ax.annotate(
                f"{tr('target', lang)} {fmt_value(ind, ind.target)}",
                (0, ind.target),
                textcoords="offset points",
                xytext=(2, 3),
                color=GREY,
                fontsize=8,
            )
        ax.set_title(f"{ind.name(lang)}（{ind.unit}）" if lang != "en" else
                     f"{ind.name(lang)} ({ind.unit})", fontsize=10)  # fmt: skip
        ax.set_xticks(range(len(labels)), labels, fontsize=8)
        ax.set_xlim(-0.3, len(labels) - 0.4)
        ax.spines[["top", "right"]].set_visible(False)
    for ax in list(axes.flat)[len(shown) :]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig


def ranking_chart(ov: Overview, code: str, lang: str) -> Figure:
    """Provinces best first as horizontal bars, each labelled with its value."""
    cjk_font()
    ind = q.BY_CODE[code]
    ranks = ov.ranking.get(code, [])
    fig, ax = plt.subplots(figsize=(8, max(2.0, 0.26 * len(ranks) + 1)))
    names = [place_name(r.province, lang) for r in ranks]
    colours = [BAD if r.province == ov.province else "#0969da" for r in ranks]
    ys = list(range(len(ranks)))[::-1]
    ax.barh(ys, [r.value for r in ranks], color=colours)
    for y, r in zip(ys, ranks, strict=True):
        ax.text(r.value, y, f" {fmt_value(ind, r.value)}", va="center", fontsize=8, color=INK)
    ax.set_yticks(ys, names, fontsize=8)
    if not ranks:
        ax.text(0.5, 0.5, tr("no_data", lang), transform=ax.transAxes, ha="center", color=GREY)
    if ind.target is not None and ranks:
        ax.axvline(ind.target, color=GREY, linestyle="--", linewidth=1)
    ax.set_title(f"{tr('ranking', lang)}：{ind.name(lang)}（{ind.unit}）", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def standards_chart(ov: Overview, lang: str) -> Figure:
    """The checklist as coloured tiles: each standard's name and result written on it."""
    cjk_font()
    fig, ax = plt.subplots(figsize=(11, 2.6))
    ax.set_axis_off()
    colour = {q.Outcome.PASS: GOOD, q.Outcome.FAIL: BAD, q.Outcome.NO_DATA: GREY}
    for i, res in enumerate(ov.standards):
        x, y = (i % 4) * 0.25, 0.5 if i < 4 else 0.0
        ax.add_patch(Rectangle((x + 0.005, y + 0.02), 0.24, 0.46,
                                   color=colour[res.outcome], alpha=0.9))  # fmt: skip
        ax.text(x + 0.125, y + 0.32, f"{res.standard.code} {res.standard.name(lang)}",
                ha="center", va="center", color="white", fontsize=9, wrap=True)  # fmt: skip
        ind = q.BY_CODE[res.standard.indicator]
        ax.text(
            x + 0.125,
            y + 0.13,
            f"{tr(res.outcome.value, lang)}  {fmt_value(ind, res.value)}",
            ha="center",
            va="center",
            color="white",
            fontsize=11,
            fontweight="bold",
        )
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    return fig


def svg(fig: Figure) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg") :]


def png(fig: Figure, dpi: int = 100) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def png_data_uri(fig: Figure) -> str:
    return "data:image/png;base64," + base64.b64encode(png(fig)).decode()


# --- the report -----------------------------------------------------------------------


def _change(row: Row) -> str:
    if row.change is None:
        return "—"
    better = q.improved(row.indicator, row.value, row.previous)
    arrow = "▲" if row.change > 0 else "▼"
    cls = "good" if better else "bad"
    return f'<span class="{cls}">{arrow} {abs(row.change):.1f}%</span>'


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


CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em auto;max-width:1100px;
color:#24292f}table{border-collapse:collapse;width:100%;margin:1em 0}td,th{border:1px solid #d0d7de;
padding:4px 8px;text-align:left;font-size:14px}th{background:#f6f8fa}.good{color:#1a7f37}
.bad{color:#cf222e}.pass{background:#dafbe1}.fail{background:#ffebe9}.no_data{background:#f6f8fa}
td.num{text-align:right}svg{max-width:100%;height:auto}.note{color:#57606a;font-size:13px}
"""


def _actions(report: ActionsReport, lang: str) -> str:
    """The open and the closed improvement actions, each with owner, due date, status."""
    e = html.escape
    out = [f"<h2>{tr('actions', lang)}</h2>"]
    for key, rows in (("actions_open", report.open), ("actions_closed", report.closed)):
        out.append(f"<h3>{tr(key, lang, n=str(len(rows)))}</h3>")
        if not rows:
            out.append(f"<p>{tr('none', lang)}</p>")
            continue
        out.append(f"<table class=actions><tr><th>#</th><th>{tr('indicator', lang)}</th>"
                   f"<th>{tr('owner', lang)}</th><th>{tr('due', lang)}</th>"
                   f"<th>{tr('status', lang)}</th></tr>")  # fmt: skip
        for a in rows:
            status = a.status + (
                " · " + tr("escalated", lang, to=a.escalated_to) if a.overdue else ""
            )
            out.append(f'<tr data-action="{a.id}"><td>{a.id}</td><td>{e(a.province)} '
                       f"{e(a.month)} {e(a.title)}</td><td>{e(a.department)} / {e(a.owner)}</td>"
                       f"<td>{a.due_on.isoformat()}</td><td>{e(status)}</td></tr>")  # fmt: skip
        out.append("</table>")
    return "".join(out)


def render_html(ov: Overview, lang: str = "zh", actions: ActionsReport | None = None) -> str:
    """The whole report as one self-contained HTML page (inline SVG charts); with the
    month's open and closed improvement actions when given."""
    e = html.escape
    place = place_name(ov.province, lang)
    title = tr("title", lang, place=place, month=ov.month)
    out = [f'<!doctype html><html lang="{"en" if lang == "en" else "zh-CN"}"><head>'
           f'<meta charset="utf-8"><title>{e(title)}</title><style>{CSS}</style></head><body>',
           f"<h1>{e(title)}</h1>", f"<h2>{tr('standards', lang)}</h2>",
           svg(standards_chart(ov, lang)),
           f"<table><tr><th>{tr('standard', lang)}</th><th>{tr('result', lang)}</th>"
           f"<th>{tr('evidence', lang)}</th></tr>"]  # fmt: skip
    for res in ov.standards:
        out.append(
            f'<tr class="{res.outcome.value}"><td>{res.standard.code} '
            f"{e(res.standard.name(lang))}</td><td>{tr(res.outcome.value, lang)}</td>"
            f"<td>{e(_evidence(res, lang))}</td></tr>"
        )
    out.append("</table>")
    out.append(f"<h2>{tr('problems', lang)}</h2><ul>")
    for row in ov.problems:
        ind = row.indicator
        out.append(
            f"<li>{e(ind.name(lang))}: {fmt_value(ind, row.value)}{e(ind.unit)} "
            f"({tr('target', lang)} {fmt_value(ind, ind.target)}{e(ind.unit)})</li>"
        )
    if not ov.problems:
        out.append(f"<li>{tr('none', lang)}</li>")
    out.append(f"</ul><h2>{tr('movers', lang)}</h2><ul>")
    for row in ov.movers:
        ind = row.indicator
        out.append(f"<li>{e(ind.name(lang))}: {fmt_value(ind, row.previous)} → "
                   f"{fmt_value(ind, row.value)}{e(ind.unit)} {_change(row)}</li>")  # fmt: skip
    if not ov.movers:
        out.append(f"<li>{tr('none', lang)}</li>")
    out.append(f"</ul><h2>{tr('trend', lang)}</h2>")
    out.append(svg(trend_chart(ov, lang)))
    out.append(f"<h2>{tr('ranking', lang)}</h2>")
    out.append(svg(ranking_chart(ov, "CMP_RATE", lang)))
    out.append(f"<h2>{tr('indicators', lang)}</h2><p class=note>{tr('no_data_note', lang)}</p>")
    out.append(_indicator_table(ov, lang))
    if actions is not None:
        out.append(_actions(actions, lang))
    out.append("</body></html>")
    return "\n".join(out)


def _indicator_table(ov: Overview, lang: str) -> str:
    e = html.escape
    head = ("indicator", "value", "previous", "change", "target", "rank")
    out = ["<table><tr>" + "".join(f"<th>{tr(h, lang)}</th>" for h in head) + "</tr>"]
    for row in ov.rows:
        ind = row.indicator
        cls = "" if row.meets is None else ("good" if row.meets else "bad")
        rank = f"{row.rank}/{row.ranked}" if row.rank else "—"
        out.append(
            f"<tr><td>{e(ind.code)} {e(ind.name(lang))}</td>"
            f'<td class="num {cls}">{fmt_value(ind, row.value)}{e(ind.unit)}</td>'
            f'<td class="num">{fmt_value(ind, row.previous)}</td><td>{_change(row)}</td>'
            f'<td class="num">{fmt_value(ind, ind.target)}</td><td>{rank}</td></tr>'
        )
    out.append("</table>")
    return "".join(out)


def pdf_figures(
    ov: Overview, lang: str = "zh", actions: ActionsReport | None = None
) -> list[Figure]:
    """The PDF's pages: title and standards, trends, ranking, the indicator table, and
    the improvement actions when given."""
    cjk_font()
    first = standards_chart(ov, lang)
    first.set_size_inches(11.7, 8.3)
    first.suptitle(tr("title", lang, place=place_name(ov.province, lang), month=ov.month),
                   fontsize=18, y=0.97)  # fmt: skip
    pages = [first, trend_chart(ov, lang), ranking_chart(ov, "CMP_RATE", lang)]
    table = plt.figure(figsize=(11.7, 8.3 * 1.6))
    ax = table.add_subplot()
    ax.set_axis_off()
    cells = [
        [f"{r.indicator.name(lang)}", fmt_value(r.indicator, r.value) + r.indicator.unit,
         fmt_value(r.indicator, r.previous),
         "—" if r.change is None else f"{r.change:+.1f}%",
         fmt_value(r.indicator, r.indicator.target)]
        for r in ov.rows
    ]  # fmt: skip
    heads = [tr(h, lang) for h in ("indicator", "value", "previous", "change", "target")]
    t = ax.table(cellText=cells, colLabels=heads, loc="upper center", cellLoc="left")
    t.auto_set_font_size(False)
    t.set_fontsize(8)
    ax.set_title(tr("indicators", lang), fontsize=14)
    pages.append(table)
    if actions is not None and (actions.open or actions.closed):
        page = plt.figure(figsize=(11.7, 8.3))
        ax = page.add_subplot()
        ax.set_axis_off()
        rows = [[str(a.id), f"{a.province} {a.month} {a.title}"[:40], f"{a.owner}"[:20],
                 a.due_on.isoformat(), a.status + (f" ↑{a.escalation}" if a.overdue else "")]
                for a in [*actions.open, *actions.closed][:40]]  # fmt: skip
        heads = ["#", tr("indicator", lang), tr("owner", lang), tr("due", lang),
                 tr("status", lang)]  # fmt: skip
        t = ax.table(cellText=rows, colLabels=heads, loc="upper center", cellLoc="left")
        t.auto_set_font_size(False)
        t.set_fontsize(8)
        ax.set_title(tr("actions", lang), fontsize=14)
        pages.append(page)
    return pages


def write_pdf(
    ov: Overview, path: Path, lang: str = "zh", actions: ActionsReport | None = None
) -> None:
    with PdfPages(path) as pdf:
        for fig in pdf_figures(ov, lang, actions):
            pdf.savefig(fig)
            plt.close(fig)


def write_report(
    ov: Overview, out: Path, lang: str = "zh", actions: ActionsReport | None = None
) -> tuple[Path, Path]:
    """Write ``out`` (HTML) and the PDF next to it (same name, ``.pdf``)."""
    html_path = out if out.suffix.lower() in (".html", ".htm") else out.with_suffix(".html")
    pdf_path = html_path.with_suffix(".pdf")
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(render_html(ov, lang, actions), encoding="utf-8")
    write_pdf(ov, pdf_path, lang, actions)
    return html_path, pdf_path
