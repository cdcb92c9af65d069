"""Charts inline as SVG stay ``<svg>`` whatever another library did to ElementTree's prefixes."""

from __future__ import annotations

from xml.etree import ElementTree

import matplotlib.pyplot as plt

from telcare.channels.documents.charts import svg


def test_an_svg_prefix_registered_elsewhere_does_not_leak_into_the_page() -> None:
    ElementTree.register_namespace("svg", "http://www.w3.org/2000/svg")  # as WeasyPrint's parser
    fig, ax = plt.subplots()
    ax.bar([1, 2], [3, 4])
    out = svg(fig)
    assert out.startswith("<svg") and "<svg:" not in out and "ns0:" not in out
    assert "style=" not in out
