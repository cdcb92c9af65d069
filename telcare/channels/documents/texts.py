"""The printed documents' texts (``report.*`` in the catalogs) and the CSS that numbers pages."""

from __future__ import annotations

import re

from telcare.domain.messages import render


def tr(key: str, lang: str, **kw: str) -> str:
    """A text of the printed documents: ``report.<key>`` in the catalogs."""
    return render(f"report.{key}", lang, **kw)


def page_counter_css(lang: str) -> str:
    """``page_of`` as a CSS ``content`` value: ``"第 " counter(page) " 页，共 " ...``."""
    parts = re.split(r"\{(page|pages)\}", tr("page_of", lang, page="{page}", pages="{pages}"))
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(f"counter({part})")
        elif part:
            out.append('"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return " ".join(out)
