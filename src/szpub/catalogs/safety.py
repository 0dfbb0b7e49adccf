"""What a translation may contain: the one allow-list that ``szpub check`` and the build's guard both apply.

A page msgstr is parsed with MyST's own markdown-it parser (the one MyST re-parses it with in Sphinx's
``Locale`` transform), with every syntax extension MyST offers switched on, so that anything some
configuration could read as markup is seen as markup. It may hold text, emphasis, strong, code spans and
line breaks freely; every other token (a block other than a paragraph, a fence or directive of any kind,
a role, a link or image, a substitution, math, HTML, a footnote, a link reference definition) must be one
its msgid has, identically. Interface strings (sphinx.po, publication.po) are plain text instead:
``szpub.core.markup.interface_problems``. The parser imports docutils but never Sphinx (measured).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Any

from szpub.core.markup import bidi_problem, interface_problems, raw_html, shorten

# Every MyST syntax extension that makes more text markup (linkify needs an extra package; html_image and
# html_admonition turn HTML into other tokens, and HTML is refused as it is).
EXTENSIONS = frozenset(
    {
        "amsmath", "attrs_block", "attrs_inline", "colon_fence", "deflist", "dollarmath", "fieldlist",
        "strikethrough", "substitution", "tasklist",
    }
)  # fmt: skip
# Inline tokens that are only text (an escaped or entity character is text too: docutils escapes it).
_TEXT = frozenset(
    {"text", "text_special", "softbreak", "em_open", "em_close", "strong_open", "strong_close", "code_inline"}
)
_BLOCK_TEXT = frozenset({"paragraph_open", "paragraph_close", "inline"})
_NAMES = {
    "fence": "a fenced block",
    "colon_fence": "a ::: fenced block",
    "code_block": "an indented code block",
    "heading_open": "a heading",
    "bullet_list_open": "a list",
    "ordered_list_open": "a numbered list",
    "blockquote_open": "a quote",
    "hr": "a thematic break",
    "table_open": "a table",
    "html_block": "raw HTML",
    "html_inline": "raw HTML",
    "footnote_ref": "a footnote reference",
    "footnote_reference_open": "a footnote definition",
    "math_inline": "math",
    "math_block": "math",
    "amsmath": "math",
    "myst_target": "a target (label)=",
    "myst_line_comment": "a % comment",
    "myst_block_break": "a +++ block break",
    "hardbreak": "a hard line break",
    "front_matter": "front matter",
    "dl_open": "a definition list",
    "field_list_open": "a field list",
    "s_open": "strikethrough",
}
# In publication.po and sphinx.po: what Jinja, %-formatting or LaTeX would read as markup (the html check's).
TEMPLATE_MARKS = ("\\", "{", "}", "%")
# Sphinx names a page's catalog after its document; the appendix's labels also go into the chart and
# the data files as plain text, so they follow both rules.
PLAIN_TEXT_CATALOGS = frozenset({"sphinx", "publication"})
BOTH_RULES_CATALOGS = frozenset({"appendix"})


@cache
def parser() -> Any:
    """MyST's markdown-it parser with every syntax extension on (imported late: ``szpub check`` starts fast)."""
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    return create_md_parser(MdParserConfig(enable_extensions=set(EXTENSIONS)), RendererHTML)


@dataclass(frozen=True)
class _Structure:
    """What of a message is more than text: one signature per token, and its link reference definitions."""

    tokens: Counter[tuple[str, ...]]
    references: Counter[str]


def _signature(token: Any) -> tuple[str, ...]:
    attrs = tuple(f"{key}={value}" for key, value in sorted(token.attrs.items()) if key != "alt")
    if token.type == "myst_role":
        return ("myst_role", str(token.meta.get("name", "")), token.content)
    if token.type in ("link_open", "image"):
        return (token.type, *attrs)
    return (token.type, token.tag, token.markup, token.info, token.content, *attrs)


@cache
def _structure(text: str) -> _Structure:
    env: dict[str, Any] = {}
    tokens: Counter[tuple[str, ...]] = Counter()
    paragraphs = 0
    for block in parser().parse(text, env):
        if block.type == "paragraph_open":
            paragraphs += 1
            if paragraphs > 1:  # one paragraph is the message; more must be the source's
                tokens[("paragraph_open", str(paragraphs))] += 1
        elif block.type not in _BLOCK_TEXT and not block.type.endswith("_close"):
            tokens[_signature(block)] += 1
        for token in block.children or []:
            if token.type not in _TEXT and not token.type.endswith("_close"):
                tokens[_signature(token)] += 1
    references = Counter(str(ref.get("href", "")) for ref in env.get("references", {}).values())
    return _Structure(tokens, references)


def _describe(signature: tuple[str, ...]) -> str:
    kind = signature[0]
    if kind == "myst_role":
        return f"the role {{{signature[1]}}}`{signature[2]}`"
    if kind in ("link_open", "image"):
        target = next((attr for attr in signature[1:] if attr.startswith(("href=", "src="))), "")
        return f"the {'link' if kind == 'link_open' else 'image'} {target.partition('=')[2]!r}"
    if kind == "paragraph_open":
        return "a second paragraph"
    if kind.startswith("substitution"):
        return f"a substitution {{{{{signature[4]}}}}}"
    name = _NAMES.get(kind, f"{kind.removesuffix('_open')} markup")
    detail = " ".join(part for part in signature[2:4] if part) or signature[4]
    return f"{name} {shorten(detail, 30, newline=' ')!r}" if detail else name


def markup_problems(msgid: str, msgstr: str, *, html: bool = True, links: bool = True) -> list[str]:
    """The markup of a page msgstr that its msgid lacks, one sentence each.

    ``html=False`` leaves out raw HTML, ``links=False`` roles, links and images: for ``szpub check``,
    whose ``html``, ``roles`` and ``links`` checks report those.
    """
    source, translation = _structure(msgid), _structure(msgstr)
    left_out = (() if html else ("html_inline", "html_block")) + (() if links else ("myst_role", "link_open", "image"))
    problems = [
        f"{_describe(signature)} that the source lacks"
        for signature in (translation.tokens - source.tokens).elements()
        if signature[0] not in left_out
    ]
    problems += [
        f"a link reference definition {href!r} that the source lacks"
        for href in (translation.references - source.references).elements()
    ]
    return list(dict.fromkeys(problems))


def refusals(catalog: str, msgid: str, msgstr: str, *, besides_checks: bool = False) -> list[str]:
    """Why the build must not publish ``msgstr`` of the named catalog (empty when it may).

    ``besides_checks=True`` leaves out what the other checks of ``szpub check`` report (raw HTML, roles,
    links, template marks), so that one problem is one finding.
    """
    html = raw_html(msgid, msgstr)
    problems = [] if besides_checks else [f"raw HTML {snippet!r} that the source lacks" for snippet in html]
    if catalog not in PLAIN_TEXT_CATALOGS:
        problems += markup_problems(msgid, msgstr, html=not besides_checks, links=not besides_checks)
    if catalog in PLAIN_TEXT_CATALOGS | BOTH_RULES_CATALOGS:
        skip: tuple[str, ...] = ("<", ">") if html else ()
        if besides_checks and catalog in PLAIN_TEXT_CATALOGS:
            skip += tuple(mark for mark in TEMPLATE_MARKS if msgstr.count(mark) > msgid.count(mark))
        problems += interface_problems(msgid, msgstr, skip=skip)
    bidi = bidi_problem(msgstr, msgid)
    return [*problems, bidi] if bidi else problems
