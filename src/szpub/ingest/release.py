"""The release as received: plain text (portal, title, From:, Updated:, paragraphs) read into a Release."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from szpub.core.errors import SzpubError
from szpub.core.markup import bidi_problem

# Shenzhen's releases are dated in China Standard Time.
RELEASE_TIMEZONE = dt.timezone(dt.timedelta(hours=8))


class IngestError(SzpubError):
    """A release, section map or output folder that cannot be used; the message starts with FILE:LINE."""



@dataclass(frozen=True)
class Paragraph:
    """One paragraph of the body: its number (1 = the lede), first line in the file, and text."""

    number: int
    line: int
    text: str


@dataclass(frozen=True)
class Release:
    """A release parsed from its plain text."""

    path: Path
    portal: str
    title: str
    source: str
    updated: dt.datetime
    paragraphs: tuple[Paragraph, ...]
    title_line: int = 2

    @property
    def heading(self) -> Paragraph:
        """The title as paragraph 0: a figure in it is cited like one in the prose."""
        return Paragraph(0, self.title_line, self.title)


_FROM = re.compile(r"^From:\s*(?P<source>.*)$", re.IGNORECASE)
_UPDATED = re.compile(r"^Updated:\s*(?P<value>.*)$", re.IGNORECASE)
_UPDATED_VALUE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$")
_CLOSING = re.compile("^[-\u2013\u2014_*=]+$")
# Line and paragraph separators, form feed and vertical tab among them: Python's splitlines() (and so
# readers of the catalogs drafted from the release) breaks lines there.
_SPACES = re.compile(r"[ \t\v\f\x85\u00a0\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
# Other control characters have no text to publish (XML forbids most of them; XeLaTeX stops on them).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_INVISIBLE = re.compile(r"[\u200b\ufeff]")


# A press release is some 10 KB; 4 MB of text with figures kept ingest busy for minutes.
MAX_RELEASE_BYTES = 1 << 20


def read_release(path: Path) -> Release:
    """The release in ``path``; IngestError naming ``path`` and the line on bad input."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_RELEASE_BYTES + 1)
    except OSError as err:
        raise IngestError(f"{path}: cannot read: {err.strerror}") from None
    if len(data) > MAX_RELEASE_BYTES:
        raise IngestError(f"{path}:1: larger than {MAX_RELEASE_BYTES >> 20} MiB: not a press release")
    return parse_release(data, path)


def parse_release(data: bytes, path: Path) -> Release:
    """Portal, title, ``From:``, ``Updated:``, then paragraphs separated by blank lines."""
    lines = [(number, _clean(line, number, path)) for number, line in enumerate(_decode(data, path).split("\n"), 1)]
    content = [(number, text) for number, text in lines if text]
    if not content:
        raise IngestError(f"{path}:1: the release is empty")
    portal, title, source, from_index = _title_block(content, path)
    title_line = content[1][0]
    updated, updated_line = _updated(content, from_index, path)
    paragraphs = _paragraphs([(n, t) for n, t in lines if n > updated_line])
    if not paragraphs:
        raise IngestError(f"{path}:{updated_line}: the release has no paragraphs after its 'Updated:' line")
    return Release(path, portal, title, source, updated, tuple(paragraphs), title_line)


def _decode(data: bytes, path: Path) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise IngestError(
            f"{path}:{line}: not valid UTF-8 (byte 0x{data[err.start]:02x}); save the release as UTF-8"
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _clean(line: str, number: int, path: Path) -> str:
    """One line with every kind of space made plain and collapsed, and nothing at either end."""
    control = _CONTROL.search(line)
    if control:
        character = f"U+{ord(control.group()):04X}"
        raise IngestError(f"{path}:{number}: a control character {character}: remove it from the release")
    bidi = bidi_problem(line)
    if bidi:
        raise IngestError(f"{path}:{number}: {bidi}")
    return _SPACES.sub(" ", _INVISIBLE.sub("", line)).strip()


def _title_block(content: list[tuple[int, str]], path: Path) -> tuple[str, str, str, int]:
    from_index = next((i for i, (_, text) in enumerate(content[:5]) if _FROM.match(text)), None)
    if from_index is None:
        line = content[min(2, len(content) - 1)][0]
        raise IngestError(
            f"{path}:{line}: missing source line: expected 'From: SOURCE' after the portal and title lines"
        )
    from_line, from_text = content[from_index]
    if from_index < 2:
        raise IngestError(
            f"{path}:{from_line}: missing title line: a release starts with the portal line, then the title, "
            "then 'From: SOURCE'"
        )
    source = _FROM.match(from_text)["source"].strip()  # type: ignore[index]
    if not source:
        raise IngestError(f"{path}:{from_line}: the 'From:' line names no source")
    portal = content[0][1]
    title = " ".join(text for _, text in content[1:from_index])
    return portal, title, source, from_index


def _updated(content: list[tuple[int, str]], from_index: int, path: Path) -> tuple[dt.datetime, int]:
    expected = "expected 'Updated: YYYY-MM-DD HH:MM' after the 'From:' line"
    if from_index + 1 >= len(content):
        raise IngestError(f"{path}:{content[from_index][0] + 1}: missing date line: {expected}")
    line, text = content[from_index + 1]
    match = _UPDATED.match(text)
    if not match:
        raise IngestError(f"{path}:{line}: missing date line: {expected}, found {text[:60]!r}")
    value = _UPDATED_VALUE.match(match["value"])
    if not value:
        raise IngestError(f"{path}:{line}: the date must be written 'Updated: YYYY-MM-DD HH:MM', not {text!r}")
    try:
        year, month, day, hour, minute, second = (int(part or 0) for part in value.groups())
        updated = dt.datetime(year, month, day, hour, minute, second, tzinfo=RELEASE_TIMEZONE)
    except ValueError as err:
        raise IngestError(f"{path}:{line}: not a valid date and time: {match['value']!r} ({err})") from None
    return updated, line


def _paragraphs(lines: list[tuple[int, str]]) -> list[Paragraph]:
    blocks: list[tuple[int, list[str]]] = []
    previous_blank = True
    for number, text in lines:
        if text and not previous_blank:
            blocks[-1][1].append(text)  # a wrapped line continues its paragraph
        elif text:
            blocks.append((number, [text]))
        previous_blank = not text
    texts = [(line, " ".join(parts)) for line, parts in blocks]
    if texts and _CLOSING.match(texts[-1][1]):
        texts.pop()  # the closing "-" of the release
    return [Paragraph(index, line, text) for index, (line, text) in enumerate(texts, 1)]


_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


def fold(text: str) -> str:
    """Text for matching: straight quotes and hyphens, lower case."""
    return text.translate(_FOLD).lower()
