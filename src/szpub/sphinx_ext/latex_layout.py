"""The PDF's page layout: leading, ragged table cells, no contents list for a short release, one byline."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from szpub.core.markup import CJK
from szpub.sphinx_ext import fonts
from szpub.sphinx_ext.latex import escape

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

# A release with fewer sections than this (szpub_pdf_toc_min_sections) has no table of contents in its
# PDF: a reader sees every heading of a three-page release by turning the pages (this one has 6).
TOC_MIN_SECTIONS = 10
# 11 pt Noto CJK on Sphinx's 13.6 pt lines reads tight; x1.25 gives 17 pt, 1.55 times the type size.
CJK_LINESPREAD = "1.25"

# Sphinx 9 wraps every table cell in a varwidth box, which (like a minipage) resets \rightskip: a
# ``>{\raggedright}`` column prefix from tabularcolumns never reaches the text. Each cell paragraph
# starts with \sphinxAtStartPar, so tables get one that sets ragged-right, no hyphenation, from inside.
_TABLE_CELLS = r"""\makeatletter
\let\szpub@AtStartPar\sphinxAtStartPar
\g@addto@macro\sphinxattablestart{%
  \def\sphinxAtStartPar{\szpub@AtStartPar\rightskip=0pt plus 3em\relax\spaceskip=\fontdimen2\font\relax
    \xspaceskip=0pt\relax\hyphenpenalty=10000\relax}}
\makeatother
"""
# One Latin pairing: FreeSerif for text, FreeSans for headings, heads and feet (as the headings already
# are); cross-references in the table upright, like the text around them, not Sphinx's italic.
_TYPE = "\\renewcommand{\\sphinxcrossref}[1]{#1}\n"


def layout_preamble(language: str) -> str:
    """The layout settings of the PDF in ``language`` (after the fonts are loaded)."""
    leading = f"\\linespread{{{CJK_LINESPREAD}}}\n" if fonts.cjk_face(language) else ""
    return leading + _TABLE_CELLS + _TYPE


def on_env_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """No table of contents for a short release: fewer documents in the root toctree than the configured minimum."""
    short = len(_sections(env, app.config.root_doc)) < app.config.szpub_pdf_toc_min_sections
    if app.builder.format == "latex" and short:
        app.builder.context["tableofcontents"] = ""  # type: ignore[attr-defined]
    return []


def _sections(env: BuildEnvironment, root: str) -> list[str]:
    return list(env.toctree_includes.get(root, []))


class PdfByline(SphinxPostTransform):
    """The PDF's headline block carries source and time once: the pages' byline paragraphs are dropped."""

    default_priority = 400
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for paragraph in list(self.document.findall(nodes.paragraph)):
            if "szpub-byline" in paragraph["classes"]:
                paragraph.parent.remove(paragraph)


class KeepCellEnds(SphinxPostTransform):
    """The last two characters of a table cell ending in CJK stay on one line: no cell line holds one character.

    A cell such as "100多个国家和地区" otherwise breaks as "国家和地" / "区" in a narrow column.
    """

    default_priority = 400
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for entry in self.document.findall(nodes.entry):
            for paragraph in entry.findall(nodes.paragraph):
                texts = [node for node in paragraph.findall(nodes.Text) if node.astext().strip()]
                if texts:
                    _join_last_two(texts[-1])


def _join_last_two(text: nodes.Text) -> None:
    content = text.astext().rstrip()
    if len(content) < 2 or not CJK.match(content[-1]) or content[-2].isspace():
        return
    boxed = nodes.raw("", f"\\mbox{{{escape(content[-2:])}}}", format="latex")
    text.parent.replace(text, [nodes.Text(content[:-2]), boxed])


def setup_latex_layout(app: Sphinx) -> None:
    app.add_config_value("szpub_pdf_toc_min_sections", TOC_MIN_SECTIONS, "env", types=frozenset({int}))
    app.add_post_transform(PdfByline)
    app.add_post_transform(KeepCellEnds)
    app.connect("env-updated", on_env_updated)
