"""Charts on the pages as images: a matplotlib figure becomes an ``<img>`` of its SVG.

An SVG in an ``<img>`` (``img-src data:`` is allowed by the pages' Content-Security-Policy)
is its own document, carries ``alt`` text for screen readers, and scales to its card
(``.chart img { max-width: 100%; height: auto }``); the printed report inlines the same
SVG (:func:`telcare.channels.documents.charts.svg`).
"""

from __future__ import annotations

import base64

from markupsafe import Markup, escape
from matplotlib.figure import Figure

from telcare.channels.documents.charts import svg


def chart_img(fig: Figure, alt: str) -> Markup:
    """The figure as a responsive ``<img>`` with ``alt`` text (closes the figure)."""
    data = base64.b64encode(svg(fig).encode()).decode()
    return Markup(
        f'<img class="chart-img" alt="{escape(alt)}" src="data:image/svg+xml;base64,{data}">'
    )
