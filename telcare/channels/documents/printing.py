"""One Jinja2 environment for the printed documents and WeasyPrint to print them.

A document is one template (``templates/<name>.html``, extending ``_document.html``)
rendered to a self-contained HTML page; :func:`print_pdf` prints that very HTML, so the
HTML and the PDF cannot disagree. ``document.css`` numbers the pages (CSS ``@page``
counters), repeats table headers on every page a table spans and asks for a CJK font.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from telcare.channels.documents.texts import page_counter_css
from telcare.domain.messages import render
from telcare.domain.money import fen_to_yuan
from telcare.domain.subscriptions import OPERATOR_TZ

TEMPLATES = Path(__file__).parent / "templates"
FONT_FAMILY = '"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", sans-serif'


def local_time(when: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A time in the operator's zone (Beijing time), as the pages show it."""
    return when.astimezone(OPERATOR_TZ).strftime(fmt) if when else ""


def translator(lang: str) -> Callable[..., str]:
    """``t(key, **params)`` over the registered (zh, en) texts, as in the pages."""

    def t(key: str, **params: Any) -> str:
        return render(key, lang, **params)

    return t


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(("html",)),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(yuan=fen_to_yuan, local=local_time)
    return env


ENV = _environment()


def render_document(template: str, lang: str, **context: Any) -> str:
    """The document as one self-contained HTML page in ``lang`` (``zh`` or ``en``)."""
    css = (TEMPLATES / "document.css").read_text(encoding="utf-8")
    return ENV.get_template(template).render(
        lang=lang,
        html_lang="en" if lang == "en" else "zh-CN",
        t=translator(lang),
        css=css,
        font_family=FONT_FAMILY,
        page_counter=page_counter_css(lang),
        **context,
    )


def print_pdf(html: str) -> bytes:
    """Print a document's HTML with WeasyPrint (imported here: it is slow to import)."""
    from weasyprint import HTML

    logging.getLogger("fontTools").setLevel(logging.WARNING)  # subsetting chatter
    pdf: bytes = HTML(string=html, base_url=str(TEMPLATES)).write_pdf()
    return pdf
