"""Bar charts as geometry: what a page draws as SVG (no script, no style: the CSP).

:func:`bars` scales a few values into rectangles inside a fixed view box; the template
only writes the numbers out as ``<rect>`` and ``<text>`` elements.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 600, 240
TOP, BOTTOM, LEFT = 28, 32, 8  # room for the value above a bar and the label under it


@dataclass(frozen=True, slots=True)
class Bar:
    label: str  # under the bar (a month)
    value: str  # above the bar, as shown
    x: float
    y: float
    width: float
    height: float

    @property
    def middle(self) -> float:
        return self.x + self.width / 2


def bars(points: list[tuple[str, float, str]]) -> list[Bar]:
    """One bar per ``(label, amount, shown)``; the tallest fills the plot height.

    Negative amounts count as zero; all-zero data gives flat bars (height 0).
    """
    if not points:
        return []
    top = max(max(amount for _, amount, _ in points), 0.0)
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - 2 * LEFT) / len(points)
    width = slot * 0.6
    out = []
    for i, (label, amount, shown) in enumerate(points):
        h = 0.0 if top <= 0 else max(amount, 0.0) / top * plot_h
        x = LEFT + i * slot + (slot - width) / 2
        out.append(
            Bar(label, shown, round(x, 1), round(TOP + plot_h - h, 1), round(width, 1), round(h, 1))
        )
    return out
