"""Charts on the pages as images: a matplotlib figure becomes an ``<img>`` of its SVG.

Inline ``<svg>`` from matplotlib paints with ``style="…"`` attributes, which the pages'
Content-Security-Policy (``style-src 'self'``) refuses: every shape fell back to black.
An SVG in an ``<img>`` (``img-src data:`` is allowed) is its own document, keeps its
styles, and scales to its card (``.chart img { max-width: 100%; height: auto }``).
"""

from __future__ import annotations

import base64

from markupsafe import Markup, escape
from matplotlib.figure import Figure

from telcare.channels.quality_report import svg


def chart_img(fig: Figure, alt: str) -> Markup:
    """The figure as a responsive ``<img>`` with ``alt`` text (closes the figure)."""
    data = base64.b64encode(svg(fig).encode()).decode()
    return Markup(
        f'<img class="chart-img" alt="{escape(alt)}" src="data:image/svg+xml;base64,{data}">'
    )
