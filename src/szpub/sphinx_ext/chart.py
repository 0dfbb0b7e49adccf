"""Horizontal bar charts of figures, one per unit, drawn as SVG for the web and as LaTeX rules for the PDF."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape as xml_escape

from szpub.sphinx_ext.latex import escape as tex_escape


@dataclass(frozen=True)
class Bar:
    label: str  # what is measured, in the reader's language
    value: float  # drives the bar's length, against the other bars of its unit only
    text: str  # the figure as the reader's locale writes it, with qualifier and unit
    unit: str = ""  # the figures file's unit (a code value): bars of different units are never on one scale


def groups(bars: list[Bar]) -> list[list[Bar]]:
    """The bars by unit, in the order their units first appear: each group is one small chart with its own scale.

    A unit with one figure has nothing to be compared with: it is drawn as its figure, without a bar
    (a full-length bar beside one a tenth as long in another unit would read as a comparison).
    """
    by_unit: dict[str, list[Bar]] = {}
    for bar in bars:
        by_unit.setdefault(bar.unit, []).append(bar)
    return list(by_unit.values())


# The viewBox is narrow so that, scaled to a 358 px phone column (390 px screen), 13 px text stays >= 12 px;
# the stylesheet caps the chart's width (30rem here), so on a desktop it is not blown up past ~17 px.
_WIDTH, _FONT, _LINE, _BAR_HEIGHT, _GAP, _GROUP_GAP = 360, 13, 17, 16, 14, 14
_CJK_ADVANCE, _LATIN_ADVANCE = 13.0, 7.2  # px per character at 13 px: full-width, and an average Latin letter
_BOLD = 1.2  # bold Latin is wider: "248 routes" measured 4 px past the edge in chromium with 1.0


def bar_chart_svg(title: str, bars: list[Bar], language_tag: str, described_by: str = "") -> str:
    """An accessible SVG: a <title>, real text (the page's fonts), each unit's bars scaled to its largest value.

    ``described_by``: the id of the element that gives the same figures as text (the appendix table).
    """
    rows: list[str] = []
    y = 0.0
    for index, group in enumerate(groups(bars)):
        if index:
            y += _GROUP_GAP
            middle = y - _GROUP_GAP / 2
            rows.append(f'<line x1="0" x2="{_WIDTH}" y1="{middle}" y2="{middle}" class="rule"/>')
        y = (_svg_figure if len(group) == 1 else _svg_bars)(group, y, rows)
    described = f' aria-describedby="{xml_escape(described_by)}"' if described_by else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {y:g}" role="img" '
        f'lang="{language_tag}" class="szpub-chart" style="max-width:30rem" '
        f'aria-labelledby="szpub-chart-title"{described}>'
        f'<title id="szpub-chart-title">{xml_escape(title)}</title>'
        f"<style>text{{font-family:inherit;fill:currentColor}}.label{{font-size:{_FONT}px}}"
        f".value{{font-size:{_FONT}px;font-weight:bold}}.bar{{fill:#a4161a}}"
        ".rule{stroke:currentColor;stroke-opacity:.25}</style>" + "".join(rows) + "</svg>"
    )


def _svg_labels(label: str, y: float, rows: list[str]) -> float:
    for line in _wrap(label):
        y += _LINE
        rows.append(f'<text x="0" y="{y:g}" class="label">{xml_escape(line)}</text>')
    return y


def _svg_figure(group: list[Bar], y: float, rows: list[str]) -> float:
    """A unit's only figure: its value above its label, no bar."""
    y += _LINE
    rows.append(f'<text x="0" y="{y:g}" class="value">{xml_escape(group[0].text)}</text>')
    return _svg_labels(group[0].label, y, rows) + _GAP


def _svg_bars(group: list[Bar], y: float, rows: list[str]) -> float:
    """Bars of one unit, the largest as long as the chart allows with its value written after it."""
    top = max(bar.value for bar in group) or 1.0
    room = _WIDTH - 8 - _BOLD * max(_width(bar.text) for bar in group)  # the bold value follows the bar
    for bar in group:
        y = _svg_labels(bar.label, y, rows) + 5
        length = max(2.0, room * bar.value / top)
        rows.append(
            f'<rect x="0" y="{y:g}" width="{length:.1f}" height="{_BAR_HEIGHT}" class="bar"/>'
            f'<text x="{length + 6:.1f}" y="{y + 12.5:g}" class="value">{xml_escape(bar.text)}</text>'
        )
        y += _BAR_HEIGHT + _GAP
    return y


_TOKEN = re.compile(r"[\u3000-\u9fff\uff00-\uffef]|[^\s\u3000-\u9fff\uff00-\uffef]+\s*|\s+")


def _wrap(label: str) -> list[str]:
    """Lines no wider than the chart, by the estimated advance of each character."""
    lines, line = [], ""
    for token in _TOKEN.findall(label):
        if line and _width(line + token.rstrip()) > _WIDTH:
            lines.append(line.rstrip())
            line = ""
        line += token
    return [*lines, line.rstrip()]


def _width(text: str) -> float:
    return sum(_CJK_ADVANCE if "\u3000" <= char <= "\uffef" else _LATIN_ADVANCE for char in text)


def bar_chart_latex(bars: list[Bar]) -> str:
    """The same charts drawn with rules, in the document's own (CJK) fonts, kept on one page.

    A minipage is one box: TeX moves it whole to the next page rather than split it (and the heading
    before it, which forbids a break after itself, goes along).
    """
    blocks = []
    for group in groups(bars):
        if len(group) == 1:
            only = group[0]  # nothing to compare with: the figure, without a bar
            label = f"{{\\small {tex_escape(only.label)}}}\\par\n"
            blocks.append(f"\\textbf{{{tex_escape(only.text)}}}\\par\\nopagebreak{label}")
            continue
        top = max(bar.value for bar in group) or 1.0
        blocks.append(
            "".join(
                f"{{\\small {tex_escape(bar.label)}}}\\par\\nopagebreak\n"
                f"\\textcolor[HTML]{{A4161A}}{{\\rule{{{0.55 * bar.value / top:.3f}\\linewidth}}{{1.6ex}}}}"
                f"\\hspace{{0.6em}}\\textbf{{{tex_escape(bar.text)}}}\\par\\smallskip\n"
                for bar in group
            )
        )
    start = (
        "\\par\\noindent\\begin{minipage}{\\linewidth}\\raggedright"
        "\\setlength{\\parskip}{0pt}\\setlength{\\parindent}{0pt}\n"
    )
    separator = "\\medskip{\\color[gray]{0.75}\\hrule}\\medskip\n"
    return start + separator.join(blocks) + "\\end{minipage}\\par\n"
