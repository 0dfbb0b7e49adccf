"""MyST markup as szpub's code reads it: the one role pattern, the one CJK range, raw HTML, short quotes."""

from __future__ import annotations

import re

# ``{name}`target```: a MyST role, as MyST's inline parser reads it (name, then the backquoted text).
ROLE = re.compile(r"\{(?P<name>[\w:+-]+)\}`(?P<target>[^`]*)`")
# The roles that show a figure of the data file; their target is the figure's id.
FIGURE_ROLES = ("fact", "fact-value", "fact-citations")
# The CJK scripts' letters (kana, ideographs, compatibility ideographs, Hangul syllables): each counts
# as one word, and half-width punctuation between two of them is a typo. (How wide a character is on a
# page is another question: unicodedata.east_asian_width answers it.)
CJK_RANGE = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
CJK = re.compile(f"[{CJK_RANGE}]")

# Anything an HTML parser (and CommonMark's raw HTML rule) reads as markup: tags, comments, declarations,
# processing instructions. Autolinks (<https://...>) are not: their name is followed by ':'.
_HTML = re.compile(r"<(?:[A-Za-z][A-Za-z0-9-]*(?=[\s/>])|/\s*[A-Za-z]|!|\?)[^>]{0,200}>?", re.DOTALL)


def raw_html(msgid: str, msgstr: str) -> list[str]:
    """The HTML snippets of ``msgstr`` that its msgid does not contain verbatim."""
    return [snippet for snippet in _HTML.findall(msgstr) if snippet not in msgid]


def shorten(text: str, width: int = 40, newline: str = "\n") -> str:
    """``text`` cut to ``width`` characters with an ellipsis, line breaks shown as ``newline``: for messages."""
    text = text.replace("\n", newline)
    return text if len(text) <= width else text[: width - 1] + "…"


# What Python's %-formatting and str.format read in an interface string: each must be the msgid's.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[A-Za-z%]|\{[^{}]*\}")
# Characters that end an attribute value or a script string, start a tag or an entity, or that
# %-formatting, str.format, Jinja or LaTeX read.
_INTERFACE_MARKS = ("<", ">", "&", '"', "'", "\\", "%", "{", "}")


def interface_problems(msgid: str, msgstr: str, *, skip: tuple[str, ...] = ()) -> list[str]:
    """Why an interface msgstr (sphinx.po, publication.po) is not plain text like its msgid, one sentence each.

    The marks in ``skip`` are not reported (another finding names them); a placeholder problem is not
    reported when one of its marks is skipped.
    """
    problems = [
        f"{mark!r} that the source lacks: interface strings are plain text"
        for mark in _INTERFACE_MARKS
        if mark not in skip and msgstr.count(mark) > msgid.count(mark)
    ]
    source, translation = sorted(PLACEHOLDER.findall(msgid)), sorted(PLACEHOLDER.findall(msgstr))
    if source != translation and not set(skip) & {"%", "{", "}"}:
        problems.append(f"placeholders {translation} where the source has {source}: copy them exactly")
    return problems


# Embeddings, overrides and isolates (not the LRM/RLM marks that right-to-left text needs): they reorder
# what a reader sees, so that "15%" can show as "%51" or a sentence say what its characters do not.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def bidi_problem(text: str, source: str = "") -> str:
    """Why ``text`` may not be published for ``source``: bidirectional controls the source lacks, or ''."""
    added = [c for c in dict.fromkeys(BIDI_CONTROLS.findall(text)) if text.count(c) > source.count(c)]
    if not added:
        return ""
    names = ", ".join(f"U+{ord(c):04X}" for c in added)
    return f"a bidirectional control character ({names}) that reorders what readers see: remove it"


def inert(msgid: str, msgstr: str) -> bool:
    """Whether an interface msgstr may be shown for its msgid (for readers of catalogs outside Sphinx)."""
    return not raw_html(msgid, msgstr) and not interface_problems(msgid, msgstr)
