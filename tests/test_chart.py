"""The bar charts: one scale per unit, readable on a phone, described by the table (SVG parsed as XML)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from szpub.sphinx_ext.chart import Bar, bar_chart_latex, bar_chart_svg, groups

SVG = "{http://www.w3.org/2000/svg}"
BARS = [
    Bar("Cities", 31, "31 cities", "cities"),
    Bar("Flight routes", 22, "22 routes", "routes"),
    Bar("Cargo destinations", 59, "59 destinations", "destinations"),
    Bar("Shipping routes", 248, "248 routes", "routes"),
    Bar("Ports", 300, "over 300 ports", "ports"),
]


def test_bars_are_grouped_by_unit_in_order_of_first_appearance() -> None:
    assert [[bar.label for bar in group] for group in groups(BARS)] == [
        ["Cities"],
        ["Flight routes", "Shipping routes"],
        ["Cargo destinations"],
        ["Ports"],
    ]


def test_only_figures_of_one_unit_get_bars_on_one_scale() -> None:
    svg = ET.fromstring(bar_chart_svg("Links", BARS, "en"))
    widths = [float(rect.get("width", "0")) for rect in svg.iter(f"{SVG}rect")]
    assert len(widths) == 2  # the two route figures; a unit's only figure is written, not drawn
    assert abs(widths[0] / widths[1] - 22 / 248) < 0.002  # one scale within the unit (widths to 0.1 px)
    texts = [text.text for text in svg.iter(f"{SVG}text")]
    assert {"31 cities", "59 destinations", "over 300 ports", "Cities", "Ports"} <= set(texts)


def test_labels_stay_at_least_12_px_on_a_390_px_phone() -> None:
    svg = ET.fromstring(bar_chart_svg("Links", BARS, "en"))
    width = float(svg.get("viewBox", "").split()[2])
    style = "".join(node.text or "" for node in svg.iter(f"{SVG}style"))
    size = min(float(value) for value in re.findall(r"font-size:(\d+(?:\.\d+)?)px", style))
    column = 358  # measured: the text column of a 390 px screen (issue 13)
    assert size * column / width >= 12
    longest = max(float(text.get("x", "0")) + len(text.text or "") * 7.2 for text in svg.iter(f"{SVG}text"))
    assert longest <= width + 1  # estimated: nothing is drawn past the viewBox


def test_the_chart_points_at_its_text_alternative() -> None:
    svg = ET.fromstring(bar_chart_svg("Links", BARS, "en", described_by="szpub-figures-table"))
    assert svg.get("aria-describedby") == "szpub-figures-table"
    assert svg.get("role") == "img" and svg.find(f"{SVG}title").text == "Links"  # type: ignore[union-attr]


def test_the_pdf_chart_is_one_unbreakable_box() -> None:
    latex = bar_chart_latex(BARS)
    assert latex.startswith("\\par\\noindent\\begin{minipage}{\\linewidth}")
    assert latex.rstrip().endswith("\\end{minipage}\\par")
    assert latex.count("\\rule{") == 2  # bars for the two route figures only
