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
