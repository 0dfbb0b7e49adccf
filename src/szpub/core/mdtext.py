"""Plain text inside MyST: escaped so that MyST reads back exactly that text, and unescaped for CSV/JSON."""

from __future__ import annotations

import re

# What CommonMark and MyST read as markup anywhere in a line: code, emphasis, links, HTML, roles, tables,
# and an entity (&amp; would publish "&"). A backslash before ASCII punctuation is CommonMark's own escape.
_INLINE = re.compile(r"([\\`*_\[\]<>{}|]|&(?=#?\w+;))")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def escape_inline(text: str) -> str:
    """Plain text as MyST inline text (rare in releases and labels, so msgids stay clean)."""
    return _INLINE.sub(r"\\\1", text)


def unescape(text: str) -> str:
    """The plain text of an escaped (or translated) string, for CSV, JSON and the chart."""
    return _ESCAPED.sub(r"\1", text)
