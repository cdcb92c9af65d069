"""The report charts (matplotlib, Agg, drawn as SVG): lines and bars labelled directly
(no legend); Chinese text in a CJK font found by matplotlib's font manager (Debian's
fonts-noto-cjk)."""

from __future__ import annotations

import contextlib
import functools
import io
from collections.abc import Sequence
from xml.etree import ElementTree

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from telcare.channels.documents.texts import tr
from telcare.domain import quality as q
from telcare.domain.provinces import HQ, PROVINCES
from telcare.services.quality import Overview, fmt_value

CJK_FONTS = ("Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Zen Hei", "Source Han Sans SC")
KEY_INDICATORS = ("CMP_RATE", "CMP_SLA", "SAT_SCORE", "SPAM_RATE", "ECH_SHARE", "RCH_SUCCESS")
GOOD, BAD, GREY, INK = "#1a7f37", "#cf222e", "#8c959f", "#24292f"
_NAMES = {p.code: p for p in PROVINCES}
_SVG = "http://www.w3.org/2000/svg"


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
    """The figure as an inline ``<svg>`` element that needs no inline style: the pages'
    CSP (``style-src 'self'``) blocks ``<style>`` elements and ``style`` attributes, so
    matplotlib's are turned into SVG presentation attributes (``fill="#fff"`` …)."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    return without_inline_style(buf.getvalue())


def without_inline_style(document: str) -> str:
    """An SVG document's root element with its CSS moved into presentation attributes."""
    # Registered on each call: another library (WeasyPrint's parser) may have mapped the
    # SVG namespace to a prefix since, and ``<ns0:svg>`` is not drawn inside HTML.
    ElementTree.register_namespace("", _SVG)
    ElementTree.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    root = ElementTree.fromstring(document.encode())
    for parent in root.iter():
        for child in [c for c in parent if c.tag in (f"{{{_SVG}}}style", f"{{{_SVG}}}metadata")]:
            parent.remove(child)  # the style: matplotlib's stroke-linejoin/linecap defaults
        style = parent.attrib.pop("style", None)
        for declaration in (style or "").split(";"):
            name, sep, value = declaration.partition(":")
            if sep and name.strip() and name.strip() not in parent.attrib:
                parent.set(name.strip(), value.strip())
    return ElementTree.tostring(root, encoding="unicode")


def png(fig: Figure, dpi: int = 100) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()
