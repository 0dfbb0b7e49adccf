""".po files: strict reading (errors name file and line) and the one canonical writer."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, unescape, write_po

from szpub.core.errors import SzpubError
from szpub.core.markup import shorten

# The one wrapping every catalog is written with, so that files diff cleanly and update is idempotent.
WIDTH = 76
_KEYWORD = re.compile(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s*(.*)$")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_STRING = re.compile(r'"(?:[^"\\]|\\["\\abfnrtv?\']|\\[0-7]{1,3}|\\x[0-9A-Fa-f]+)*"')


class CatalogError(SzpubError):
    """A .po file that cannot be read; ``str()`` is ``file.po:LINE: what is wrong``."""

    def __init__(self, path: Path | str, line: int, problem: str) -> None:
        super().__init__(problem, path, line)


@dataclass
class _Entry:
    line: int
    keywords: list[str]
    msgid_line: int = 0
    key: str = ""


def validate(path: Path, data: bytes, shown: Path | str | None = None) -> None:
    """Raises CatalogError for the first syntax error; Babel's own reader accepts too much."""
    shown = shown or path
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        at = data[: err.start].count(b"\n") + 1
        raise CatalogError(shown, at, "not valid UTF-8; save the file as UTF-8") from None
    seen: dict[str, int] = {}
    entry: _Entry | None = None
    keyword = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            if entry is not None and (not line or not line.startswith("#~")):
                _close(shown, entry, seen)
                entry = None
            continue
        if line.startswith('"'):
            if entry is None:
                raise CatalogError(shown, number, "a quoted string outside of any msgid or msgstr")
            _string(shown, number, line)
            if keyword in ("msgid", "msgctxt"):
                entry.key += line
            continue
        match = _KEYWORD.match(line)
        if not match:
            raise CatalogError(shown, number, f"not a .po keyword: {shorten(line)!r} (text must be quoted)")
        keyword, rest = match.groups()
        _string(shown, number, rest)
        if keyword in ("msgctxt", "msgid") and entry is not None and "msgid" in entry.keywords:
            _close(shown, entry, seen)
            entry = None
        if entry is None:
            entry = _Entry(number, [])
        if keyword == "msgid":
            entry.msgid_line, entry.key = number, entry.key + "\x04" + rest
        elif keyword == "msgctxt":
            entry.key = rest
        entry.keywords.append(keyword)
    if entry is not None:
        _close(shown, entry, seen)


def _string(shown: Path | str, number: int, text: str) -> None:
    if not _STRING.fullmatch(text):
        raise CatalogError(shown, number, f"badly quoted string {shorten(text)!r}: a missing or unescaped '\"'?")


def _close(shown: Path | str, entry: _Entry, seen: dict[str, int]) -> None:
    if "msgid" not in entry.keywords:
        raise CatalogError(shown, entry.line, "msgstr or msgctxt without a msgid")
    if not any(keyword.startswith("msgstr") for keyword in entry.keywords):
        raise CatalogError(shown, entry.msgid_line, "msgid without a msgstr")
    if entry.key in seen:
        raise CatalogError(shown, entry.msgid_line, f"duplicate msgid (first at line {seen[entry.key]})")
    seen.setdefault(entry.key, entry.msgid_line)


def read_catalog(path: Path, locale: str | None = None, shown: Path | str | None = None) -> Catalog:
    """The catalog in ``path``; CatalogError (file:line) if it is not a well-formed .po file."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise CatalogError(shown or path, 1, f"cannot read: {err.strerror}") from None
    validate(path, data, shown)
    try:
        catalog = read_po(io.BytesIO(data), locale=locale, abort_invalid=True)
    except Exception as err:  # Babel's errors carry no reliable line; validate() catches the usual ones
        raise CatalogError(shown or path, 1, f"cannot parse: {err}") from None
    previous = _previous_ids(data.decode("utf-8"))
    for message in [*catalog, *catalog.obsolete.values()]:
        # Babel reads "#| msgid" lines as translator comments; they are the previous msgid
        message.user_comments = [c for c in message.user_comments if not c.startswith("|")]
        if message.lineno in previous:
            message.previous_id = [previous[message.lineno]]
    return catalog


def _previous_ids(text: str) -> dict[int, str]:
    """msgid line -> the ``#| msgid`` before it (Babel writes these comments but does not read them)."""
    found: dict[int, str] = {}
    parts: list[str] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#| msgid "):
            parts = [unescape(quoted) for quoted in _QUOTED.findall(line)]
        elif line.startswith('#| "') and parts is not None:
            parts += [unescape(quoted) for quoted in _QUOTED.findall(line)]
        elif line.startswith("msgid ") and parts is not None:
            found[number] = "".join(parts)
            parts = None
        elif not line.startswith("#"):
            parts = None
    return found


def render_catalog(catalog: Catalog, *, python_format: bool = True) -> bytes:
    """The canonical text of a catalog.

    MyST roles (``{fact}`id```) make Babel flag msgids as python-brace-format, which they are not; document
    messages are never %-formatted either, so their catalogs drop python-format too (``python_format=False``).
    """
    for message in [*catalog, *catalog.obsolete.values()]:
        message.flags.discard("python-brace-format")
        if not python_format:
            message.flags.discard("python-format")
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=WIDTH, sort_output=False, include_previous=True)
    return buffer.getvalue()


def write_catalog(path: Path, data: bytes) -> bool:
    """Writes ``data`` unless the file already holds exactly it; True if the file changed."""
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    temporary.replace(path)
    return True
