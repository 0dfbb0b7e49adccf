"""A horizontal bar chart of figures, drawn as SVG for the web and as LaTeX rules for the PDF."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape as xml_escape

from sphinx.util.texescape import escape as tex_escape


@dataclass(frozen=True)
class Bar:
    label: str  # what is measured, in the reader's language
    value: float  # drives the bar's length
    text: str  # the figure as the reader's locale writes it, with qualifier and unit


_WIDTH, _LABEL_GAP, _BAR_HEIGHT, _ROW = 640, 24, 22, 70


def bar_chart_svg(title: str, bars: list[Bar], language_tag: str) -> str:
    """An accessible SVG: a <title>, real text (the page's fonts), bars scaled to the largest value."""
    top = max(bar.value for bar in bars)
    height = _ROW * len(bars) + 10
    rows = []
    for index, bar in enumerate(bars):
        y = index * _ROW + _LABEL_GAP
        length = max(2.0, 420 * bar.value / top)
        rows.append(
            f'<text x="0" y="{y - 6}" class="label">{xml_escape(bar.label)}</text>'
            f'<rect x="0" y="{y}" width="{length:.1f}" height="{_BAR_HEIGHT}" class="bar"/>'
            f'<text x="{length + 8:.1f}" y="{y + 17}" class="value">{xml_escape(bar.text)}</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {height}" role="img" '
        f'lang="{language_tag}" class="szpub-chart" aria-labelledby="szpub-chart-title">'
        f'<title id="szpub-chart-title">{xml_escape(title)}</title>'
        "<style>.label{font:16px sans-serif;fill:currentColor}.value{font:bold 16px sans-serif;fill:currentColor}"
        ".bar{fill:#a4161a}</style>" + "".join(rows) + "</svg>"
    )


def bar_chart_latex(bars: list[Bar]) -> str:
    """The same chart as a table of rules: vector, in the document's own (CJK) fonts."""
    top = max(bar.value for bar in bars)
    rows = [
        f"\\multicolumn{{2}}{{@{{}}l}}{{\\small {tex_escape(bar.label)}}}\\\\\n"
        f"\\textcolor[HTML]{{A4161A}}{{\\rule{{{0.62 * bar.value / top:.3f}\\linewidth}}{{1.6ex}}}} & "
        f"\\textbf{{{tex_escape(bar.text)}}}\\\\[0.6ex]\n"
        for bar in bars
    ]
    return "\\par\\noindent\\begin{tabular}{@{}l@{\\hspace{0.8em}}l@{}}\n" + "".join(rows) + "\\end{tabular}\\par\n"
