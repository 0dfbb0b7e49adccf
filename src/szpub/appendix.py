"""Figures in the prose and the appendix: the ``{fact}`` role and the ``{figures-appendix}`` directive."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.errors import ExtensionError
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole

from szpub import l10n
from szpub.facts import Fact, FactsError, load_facts

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

# The appendix's column headings: reader text, extracted into appendix.po like the rest.
_HEADINGS = ("Figure", "Value", "Period", "Cited in")


def facts_of(env: BuildEnvironment) -> dict[str, Fact]:
    return env.app.szpub_facts  # type: ignore[attr-defined, no-any-return]


def _citations(env: BuildEnvironment) -> dict[str, set[str]]:
    """docname -> ids of the figures it cites, kept in the environment."""
    if not hasattr(env, "szpub_citations"):
        env.szpub_citations = {}  # type: ignore[attr-defined]
    return env.szpub_citations  # type: ignore[attr-defined, no-any-return]


class FactRole(SphinxRole):
    """``{fact}`id```: the figure, formatted for the build's language.

    The appendix shows every figure with ``{fact-value}``, which does not count as citing it.
    """

    def __init__(self, *, cite: bool = True) -> None:
        self.cite = cite

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        fact_id = self.text.strip()
        fact = facts_of(self.env).get(fact_id)
        if fact is None:
            logger.warning(
                "unknown figure %r: add it to the figures file or fix the id", fact_id,
                type="szpub", subtype="fact", location=self.get_location(),
            )
            return [nodes.problematic(self.rawtext, self.rawtext)], []
        if self.cite:
            _citations(self.env).setdefault(self.env.docname, set()).add(fact_id)
        text = fact.format(self.env.config.language)
        return [nodes.inline(self.rawtext, text, classes=["szpub-fact"])], []


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
        for fact in facts_of(self.env).values():
            table.append([_cell(fact.label), fact.phrase(), f"{{period}}`{fact.period}`", f"{{fact-citations}}`{fact.id}`"])
        lines = ["| " + " | ".join(row) + " |" for row in table]
        lines[1:1] = ["|" + "---|" * len(_HEADINGS)]
        lines += ["", "```{byline}", "```"]  # the source line closes the appendix
        container = nodes.container()
        source, line = self.get_source_info()
        self.state.nested_parse(StringList(lines, source), self.content_offset, container)
        for row, cells in zip(container.findall(nodes.row), table, strict=True):
            for index, (entry, text) in enumerate(zip(row.children, cells, strict=True)):
                paragraph = entry.next_node(nodes.paragraph)
                # MyST leaves table cells without source: give each its markup so gettext extracts it
                paragraph.rawsource, paragraph.source, paragraph.line = text, source, line
                if index >= 2 and row.parent.tagname == "tbody":
                    paragraph["translatable"] = False  # periods and links carry no words
        return [*container.children]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def citations_role(name: str, rawtext: str, text: str, lineno: int, inliner: Any, options: Any = None, content: Any = None) -> tuple[list[nodes.Node], list[nodes.system_message]]:
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
                links.append(addnodes.pending_xref("", nodes.inline("", docname), refdomain="std", reftype="doc", reftarget="/" + docname, refexplicit=False, refwarn=True))
            placeholder.replace_self(links or [nodes.Text("—")])


def on_builder_inited(app: Sphinx) -> None:
    path = Path(app.srcdir, app.config.szpub_figures)
    try:
        app.szpub_facts = load_facts(path)  # type: ignore[attr-defined]
    except FactsError as err:
        raise ExtensionError(str(err)) from None


def on_env_purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _citations(env).pop(docname, None)


def on_env_merge_info(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    for docname in docnames:
        if docname in _citations(other):
            _citations(env)[docname] = _citations(other)[docname]


def on_env_check_consistency(app: Sphinx, env: BuildEnvironment) -> None:
    cited = set().union(*_citations(env).values())
    for fact in facts_of(env).values():
        if fact.id not in cited:
            logger.warning(
                "figure %r is never cited in the prose", fact.id,
                type="szpub", subtype="uncited", location=(str(Path(app.srcdir, app.config.szpub_figures)), fact.line),
            )


def setup_figures(app: Sphinx) -> None:
    app.add_config_value("szpub_figures", "figures.yaml", "env", types=frozenset({str}))
    app.add_role("fact", FactRole())
    app.add_role("fact-value", FactRole(cite=False))
    app.add_role("period", PeriodRole())
    app.add_role("fact-citations", citations_role)
    app.add_node(citations_placeholder)
    app.add_directive("figures-appendix", FiguresAppendixDirective)
    app.add_post_transform(ResolveCitations)
    app.connect("builder-inited", on_builder_inited)
    app.connect("env-purge-doc", on_env_purge_doc)
    app.connect("env-merge-info", on_env_merge_info)
    app.connect("env-check-consistency", on_env_check_consistency)
