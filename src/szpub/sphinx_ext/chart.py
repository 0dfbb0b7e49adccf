"""A horizontal bar chart of figures, drawn as SVG for the web and as LaTeX rules for the PDF."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape as xml_escape

from szpub.sphinx_ext.latex import escape as tex_escape


@dataclass(frozen=True)
class Bar:
    label: str  # what is measured, in the reader's language
    value: float  # drives the bar's length
    text: str  # the figure as the reader's locale writes it, with qualifier and unit


_WIDTH, _LINE, _BAR_HEIGHT, _GAP = 640, 20, 22, 22
_LABEL_WIDTH = 600  # a label longer than this wraps onto another line


def bar_chart_svg(title: str, bars: list[Bar], language_tag: str) -> str:
    """An accessible SVG: a <title>, real text (the page's fonts), bars scaled to the largest value."""
    top = max(bar.value for bar in bars)
    rows, y = [], 0
    for bar in bars:
        for line in _wrap(bar.label):
            y += _LINE
            rows.append(f'<text x="0" y="{y}" class="label">{xml_escape(line)}</text>')
        y += 6
        length = max(2.0, 420 * bar.value / top)
        rows.append(
            f'<rect x="0" y="{y}" width="{length:.1f}" height="{_BAR_HEIGHT}" class="bar"/>'
            f'<text x="{length + 8:.1f}" y="{y + 17}" class="value">{xml_escape(bar.text)}</text>'
        )
        y += _BAR_HEIGHT + _GAP
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {y}" role="img" '
        f'lang="{language_tag}" class="szpub-chart" aria-labelledby="szpub-chart-title">'
        f'<title id="szpub-chart-title">{xml_escape(title)}</title>'
        "<style>text{font-family:inherit;fill:currentColor}.label{font-size:16px}"
        ".value{font-size:16px;font-weight:bold}.bar{fill:#a4161a}</style>" + "".join(rows) + "</svg>"
    )


def _wrap(label: str) -> list[str]:
    """Lines of at most _LABEL_WIDTH, estimating 16 px for a CJK character and 8.5 px for others."""
    lines, line = [], ""
    for token in re.findall(r"[\u3000-\u9fff\uff00-\uffef]|[^\s\u3000-\u9fff\uff00-\uffef]+\s*|\s+", label):
        if line and _width(line + token.rstrip()) > _LABEL_WIDTH:
            lines.append(line.rstrip())
            line = ""
        line += token
    return [*lines, line.rstrip()]


def _width(text: str) -> float:
    return sum(16 if "\u3000" <= char <= "\uffef" else 8.5 for char in text)


def bar_chart_latex(bars: list[Bar]) -> str:
    """The same chart drawn with rules: vector, in the document's own (CJK) fonts, the value at each bar's end."""
    top = max(bar.value for bar in bars)
    rows = [
        f"{{\\small {tex_escape(bar.label)}}}\\par\\nopagebreak\n"
        f"\\textcolor[HTML]{{A4161A}}{{\\rule{{{0.62 * bar.value / top:.3f}\\linewidth}}{{1.6ex}}}}"
        f"\\hspace{{0.6em}}\\textbf{{{tex_escape(bar.text)}}}\\par\\medskip\n"
        for bar in bars
    ]
    start = "\\par\\begingroup\\raggedright\\setlength{\\parskip}{0pt}\\setlength{\\parindent}{0pt}\n"
    return start + "".join(rows) + "\\endgroup\\par\n"
