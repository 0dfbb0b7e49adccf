"""Figures in the prose and the appendix: the ``{fact}`` role and the ``{figures-appendix}`` directive."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from docutils.statemachine import StringList
from docutils.utils.smartquotes import educateQuotes as educate_quotes
from sphinx import addnodes
from sphinx.locale import init as init_locale
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole
from sphinx.util.i18n import docname_to_domain

from szpub.core import l10n, mdtext
from szpub.core.figures import Figure, FiguresError, load_figures
from szpub.core.markup import ROLE
from szpub.sphinx_ext.chart import Bar, bar_chart_latex, bar_chart_svg
from szpub.sphinx_ext.state import state

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

# The appendix's column headings: reader text, extracted into appendix.po like the rest.
_HEADINGS = ("Figure", "Value", "Period", "Cited in")
_DOWNLOADS = "Download the figures: {figures-download}`csv` · {figures-download}`json`"  # see downloads.py
TABLE_ID = "szpub-figures-table"  # the chart's text alternative (aria-describedby)
# Column widths in 24ths of the line: the value column holds "100多个国家和地区" on one line, and the
# label column "New foreign-funded enterprises established in Shenzhen" on two.
_COLUMNS = "\\X{8}{24}\\X{6}{24}\\X{3}{24}\\X{7}{24}"


def figures_path(config: Config, srcdir: str | Path) -> Path:
    return Path(srcdir, config.szpub_figures)


def figures_of(env: BuildEnvironment) -> dict[str, Figure]:
    """The figures loaded when the build started (see on_builder_inited)."""
    return env.szpub_facts  # type: ignore[attr-defined]


def _citations(env: BuildEnvironment) -> dict[str, set[str]]:
    """docname -> ids of the figures it cites (domain data: merged after parallel reads)."""
    return state(env).citations


def _appendix_docname(env: BuildEnvironment) -> str | None:
    return min(state(env).appendix, default=None)


def grouping_from(config: Config) -> int:
    """The fewest digits a number of the build's language needs to be grouped (``szpub_number_style``)."""
    return l10n.min_grouping_digits(config.language, config.szpub_number_style)


class FactRole(SphinxRole):
    """``{fact}`id```: the figure, formatted for the build's language.

    The appendix shows every figure with ``{fact-value}``, which does not count as citing it.
    """

    def __init__(self, *, cite: bool = True) -> None:
        self.cite = cite

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        fact_id = self.text.strip()
        fact = figures_of(self.env).get(fact_id)
        if fact is None:
            logger.warning(
                "unknown figure %r: add it to the figures file or fix the id",
                fact_id,
                type="szpub",
                subtype="fact",
                location=self._line_of_role(),
            )
            return [nodes.problematic(self.rawtext, self.rawtext)], []
        if self.cite:
            _citations(self.env).setdefault(self.env.docname, set()).add(fact_id)
        text = fact.format(self.env.config.language, grouping_from=grouping_from(self.env.config))
        return [nodes.inline(self.rawtext, text, classes=["szpub-fact"])], []

    def _line_of_role(self) -> str:
        """``file:line`` of the role itself: MyST gives a role the line where its paragraph starts."""
        source, line = self.get_source_info()
        try:
            lines = Path(source).read_text(encoding="utf-8").splitlines()
        except OSError:  # a translation (``file.md:N:<translated>``): its paragraph's line is all there is
            return self.get_location()
        role = f"`{self.text}`"  # MyST's rawtext is the reST form (:fact:`id`), not what the file says
        after = (number for number in range(max(line, 1) - 1, len(lines)) if role in lines[number])
        return f"{source}:{next(after, line - 1) + 1}"


class PeriodRole(SphinxRole):
    """``{period}`2024-01```: a period in the build's language (``2024年1月``)."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        text = l10n.format_period(self.text.strip(), self.env.config.language)
        return [nodes.inline(self.rawtext, text, classes=["szpub-period"])], []


class citations_placeholder(nodes.Inline, nodes.Element):
    """Where the links to the sections citing a figure go, once every document is read."""


class FiguresAppendixDirective(SphinxDirective):
    """``{figures-appendix}``: a table of every figure, written as MyST so that it is translated."""

    def run(self) -> list[nodes.Node]:
        table = [list(_HEADINGS)]
        for fact in figures_of(self.env).values():
            table.append(
                [_cell(fact.label), fact.phrase(), _period_cell(fact.period), f"{{fact-citations}}`{fact.id}`"]
            )
        lines = ["| " + " | ".join(row) + " |" for row in table]
        lines[1:1] = ["|" + "---|" * len(_HEADINGS)]
        lines[0:0] = [f"```{{tabularcolumns}} {_COLUMNS}", "```", ""]  # ragged-right: see latex_layout.py
        lines += ["", "```{only} html", _DOWNLOADS, "```"]
        state(self.env).appendix.add(self.env.docname)
        container = nodes.container()
        source, line = self.get_source_info()
        self.state.nested_parse(StringList(lines, source), self.content_offset, container)
        figures_table = container.next_node(nodes.table)
        if figures_table is not None:
            figures_table["ids"].append(TABLE_ID)
        for row, cells in zip(container.findall(nodes.row), table, strict=True):
            for index, (entry, text) in enumerate(zip(row.children, cells, strict=True)):
                paragraph = entry.next_node(nodes.paragraph)
                # MyST leaves table cells without source: give each its markup so gettext extracts it
                paragraph.rawsource, paragraph.source, paragraph.line = text, source, line
                if index >= 2 and row.parent.tagname == "tbody":
                    paragraph["translatable"] = False  # periods and links carry no words
        return [*container.children]


class chart_placeholder(nodes.General, nodes.Element):
    """Where the chart of a section's figures goes, drawn once the labels are translated."""


class FiguresChartDirective(SphinxDirective):
    """``{figures-chart} SECTION``: a bar chart of the section's figures, titled by the enclosing heading."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        section = self.arguments[0]
        if not any(fact.section == section for fact in figures_of(self.env).values()):
            logger.warning(
                "no figure belongs to section %r", section, type="szpub", subtype="chart", location=self.get_location()
            )
            return []
        return [chart_placeholder(section=section)]


@dataclass(frozen=True)
class LocalizedFigure:
    """A figure as readers of one language see it."""

    fact: Figure
    label: str
    text: str  # value with qualifier and unit, e.g. "15%以上"
    period: str


def localized_figures(app: Sphinx) -> list[LocalizedFigure]:
    """Every figure with its label and phrase from the appendix catalog of the build's language."""
    language = app.config.language
    docname = _appendix_docname(app.env) or "appendix"
    translator, _has = init_locale(
        [str(Path(app.srcdir, d)) for d in app.config.locale_dirs],
        language,
        docname_to_domain(docname, app.config.gettext_compact),
    )
    facts = figures_of(app.env)
    grouping = grouping_from(app.config)

    def render(phrase: str) -> str:
        def value(match: re.Match[str]) -> str:
            figure = facts.get(match["target"].strip()) if match["name"] == "fact-value" else None
            return figure.format(language, grouping_from=grouping) if figure else match.group(0)

        return mdtext.unescape(ROLE.sub(value, phrase))

    return [
        LocalizedFigure(
            fact,
            mdtext.unescape(translator.gettext(_cell(fact.label))),
            render(translator.gettext(fact.phrase())),
            l10n.format_period(fact.period, language),
        )
        for fact in facts.values()
    ]


def _chart_bars(app: Sphinx, section: str) -> list[Bar]:
    def typeset(text: str) -> str:  # the same quotes as the page's text, which docutils "educates"
        return educate_quotes(text, language=app.config.language) if app.config.smartquotes else text

    rows = [row for row in localized_figures(app) if row.fact.section == section]
    return [Bar(typeset(row.label), float(row.fact.value), typeset(row.text), row.fact.unit) for row in rows]


def on_doctree_resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for placeholder in list(doctree.findall(chart_placeholder)):
        bars = _chart_bars(app, placeholder["section"])
        heading = placeholder.parent.next_node(nodes.title) if isinstance(placeholder.parent, nodes.section) else None
        title = heading.astext() if heading else ""
        if app.builder.format == "html":
            svg = bar_chart_svg(title, bars, l10n.bcp47(app.config.language), described_by=TABLE_ID)
            placeholder.replace_self(nodes.raw("", svg, format="html"))
        elif app.builder.format == "latex":
            placeholder.replace_self(nodes.raw("", bar_chart_latex(bars), format="latex"))
        else:
            placeholder.parent.remove(placeholder)


def _period_cell(period: str) -> str:
    """The period as a role, or a dash where the release states none."""
    return f"{{period}}`{period}`" if period else "—"


def _cell(text: str) -> str:
    """A label of the figures file (untrusted reader text) as MyST that shows exactly that text."""
    return mdtext.escape_inline(text)


def citations_role(
    name: str, rawtext: str, text: str, lineno: int, inliner: Any, options: Any = None, content: Any = None
) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    return [citations_placeholder(rawtext, fact_id=text.strip())], []


class ResolveCitations(SphinxPostTransform):
    """Replaces each placeholder by links to the sections that cite the figure."""

    default_priority = 5  # before pending_xref nodes are resolved

    def run(self, **kwargs: Any) -> None:
        citations = _citations(self.env)
        for placeholder in list(self.document.findall(citations_placeholder)):
            fact_id = placeholder["fact_id"]
            docnames = sorted(doc for doc, ids in citations.items() if fact_id in ids)
            links: list[nodes.Node] = []
            for docname in docnames:
                if links:
                    links.append(nodes.Text(", "))
                links.append(
                    addnodes.pending_xref(
                        "",
                        nodes.inline("", docname),
                        refdomain="std",
                        reftype="doc",
                        reftarget="/" + docname,
                        refexplicit=False,
                        refwarn=True,
                    )
                )
            placeholder.replace_self(links or [nodes.Text("—")])


def on_builder_inited(app: Sphinx) -> None:
    try:
        facts = load_figures(figures_path(app.config, app.srcdir))
    except FiguresError as err:
        # Sphinx answers any exception with a page of report and traceback; the editor needs file:line only
        location = f"{err.path}:{err.line}" if err.line else err.path
        logger.error("%s", err.problem, type="szpub", subtype="figures", location=location)
        raise SystemExit(1) from None
    # a changed figure changes every page that cites it: re-read them (see on_env_get_outdated)
    app.env.szpub_changed_facts = {  # type: ignore[attr-defined]
        fact_id
        for fact_id in facts.keys() | getattr(app.env, "szpub_facts", {}).keys()
        if facts.get(fact_id) != getattr(app.env, "szpub_facts", {}).get(fact_id)
    }
    app.env.szpub_facts = facts  # type: ignore[attr-defined]


def on_env_get_outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    changed_facts = env.szpub_changed_facts  # type: ignore[attr-defined]
    if not changed_facts:
        return []
    appendix = _appendix_docname(env)
    citing = {doc for doc, ids in _citations(env).items() if ids & changed_facts}
    return sorted(citing | ({appendix} if appendix else set()))


def on_env_check_consistency(app: Sphinx, env: BuildEnvironment) -> None:
    cited = set().union(*_citations(env).values())
    for fact in figures_of(env).values():
        if fact.id not in cited:
            logger.warning(
                "figure %r is never cited in the prose",
                fact.id,
                type="szpub",
                subtype="uncited",
                location=f"{figures_path(app.config, app.srcdir)}:{fact.line}",
            )


def setup_figures(app: Sphinx) -> None:
    app.add_config_value("szpub_figures", "figures.yaml", "env", types=frozenset({str}))
    app.add_config_value("szpub_number_style", {}, "env", types=frozenset({dict}))
    app.add_role("fact", FactRole())
    app.add_role("fact-value", FactRole(cite=False))
    app.add_role("period", PeriodRole())
    app.add_role("fact-citations", citations_role)
    app.add_node(citations_placeholder)
    app.add_directive("figures-appendix", FiguresAppendixDirective)
    app.add_directive("figures-chart", FiguresChartDirective)
    app.add_node(chart_placeholder)
    app.connect("doctree-resolved", on_doctree_resolved)
    app.add_post_transform(ResolveCitations)
    app.connect("builder-inited", on_builder_inited)
    app.connect("env-get-outdated", on_env_get_outdated)
    app.connect("env-check-consistency", on_env_check_consistency)
