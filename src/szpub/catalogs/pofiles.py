""".po files: strict reading (errors name file and line) and the one canonical writer."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from textwrap import TextWrapper

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileParser, normalize, unescape

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
    for number, raw in enumerate(text.split("\n"), start=1):
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


@dataclass(frozen=True)
class Header:
    """One field of a catalog's header entry, with the line it starts on."""

    name: str
    value: str
    line: int = 0


class PoCatalog(Catalog):
    """A Babel catalog that also keeps its header fields as written (Babel keeps only the ones it knows)."""

    headers: list[Header]

    def __init__(self, *args: object, headers: list[Header] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.headers = list(headers or [])


def read_catalog(path: Path, locale: str | None = None, shown: Path | str | None = None) -> PoCatalog:
    """The catalog in ``path``; CatalogError (file:line) if it is not a well-formed UTF-8 .po file."""
    shown = shown or path
    try:
        data = path.read_bytes()
    except OSError as err:
        raise CatalogError(shown, 1, f"cannot read: {err.strerror}") from None
    headers = _header_fields(data.decode("utf-8", errors="replace"))
    check_headers(shown, headers)  # a charset other than UTF-8 is named at its line, before any decoding
    validate(path, data, shown)
    catalog = PoCatalog(locale=locale, headers=headers)
    try:
        PoFileParser(catalog, ignore_obsolete=False, abort_invalid=True).parse(io.BytesIO(data))
    except Exception as err:  # Babel's errors carry no reliable line; validate() catches the usual ones
        raise CatalogError(shown, 1, f"cannot parse: {err}") from None
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
    for number, raw in enumerate(text.split("\n"), start=1):
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


# -- the header entry ---------------------------------------------------------------------------------------


def _header_fields(text: str) -> list[Header]:
    """The fields of the header entry (the first entry, when its msgid is empty), each with its line."""
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.startswith("msgid")), None)
    if first is None or lines[first].strip() != 'msgid ""' or first + 1 >= len(lines):
        return []
    if not lines[first + 1].startswith("msgstr"):
        return []
    fields: list[Header] = []
    pending, start = "", 0
    for number in range(first + 1, len(lines)):
        line = lines[number].strip()
        if number > first + 1 and not line.startswith('"'):
            break
        for quoted in _QUOTED.findall(line.removeprefix("msgstr")):
            pending, start = pending + unescape(quoted), start or number + 1
            while "\n" in pending:
                field, pending = pending.split("\n", 1)
                fields.append(_header(field, start))
                start = number + 1 if pending else 0
    if pending:
        fields.append(_header(pending, start))
    return fields


def _header(field: str, line: int) -> Header:
    name, _, value = field.partition(":")
    return Header(name.strip(), value.strip(), line)


def check_headers(shown: Path | str, headers: list[Header]) -> None:
    """CatalogError at the line of a charset other than UTF-8 or of a Plural-Forms gettext cannot read."""
    for header in headers:
        name = header.name.lower()
        if name == "content-type":
            charset = re.search(r"charset\s*=\s*([^\s;]+)", header.value, re.IGNORECASE)
            if charset and charset.group(1).lower().replace("_", "-") not in ("utf-8", "utf8"):
                raise CatalogError(
                    shown, header.line,
                    f"the header says charset={charset.group(1)}: szpub reads only UTF-8; convert the file "
                    f"(msgconv -t UTF-8) and set charset=UTF-8",
                )  # fmt: skip
        elif name == "plural-forms":
            problem = plural_forms_problem(header.value)
            if problem:
                raise CatalogError(shown, header.line, f"Plural-Forms {shorten(header.value, 60)!r}: {problem}")


# -- Plural-Forms: gettext's grammar (n, integers, C's arithmetic, comparison and logical operators, ?:) -----

_PLURAL_FORMS = re.compile(r"^\s*nplurals\s*=\s*(\d{1,3})\s*;\s*plural\s*=\s*(.+?)\s*;?\s*$", re.DOTALL)
_PLURAL_TOKEN = re.compile(r"\s*(\d+|n\b|\|\||&&|==|!=|<=|>=|[-+*/%<>!?:()])")
# Binary operators from the loosest to the tightest, as C (and gettext's plural-exp.y) binds them.
_LEVELS = (("||",), ("&&",), ("==", "!="), ("<", ">", "<=", ">="), ("+", "-"), ("*", "/", "%"))
_MAX_PLURAL = 500  # characters; the longest CLDR rule (Arabic) is about 100


def plural_forms_problem(value: str) -> str:
    """Why a Plural-Forms value is not gettext's ``nplurals=N; plural=EXPR;``, or "" if it is."""
    match = _PLURAL_FORMS.match(value)
    if not match:
        return "expected 'nplurals=N; plural=EXPRESSION;'"
    if not 1 <= int(match.group(1)) <= 100:
        return "nplurals must be between 1 and 100"
    expression = match.group(2)
    if len(expression) > _MAX_PLURAL:
        return f"the plural expression is longer than {_MAX_PLURAL} characters"
    tokens: list[str] = []
    position = 0
    while position < len(expression):
        token = _PLURAL_TOKEN.match(expression, position)
        if not token:
            if not expression[position:].strip():
                break
            return f"{expression[position:].strip()[:20]!r} is not part of gettext's plural grammar"
        tokens.append(token.group(1))
        position = token.end()
    try:
        well_formed = _PluralParser(tokens).parse()
    except RecursionError:  # some 100 nested parentheses fill Python's stack; CLDR's rules nest 2 deep
        return "the plural expression is nested too deeply"
    if not well_formed:
        return "not a well-formed plural expression (n, integers, operators, ?: and parentheses)"
    return ""


class _PluralParser:
    """Recursive descent over the tokens; ``parse()`` is True when they form exactly one expression."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens, self.at = tokens, 0

    def parse(self) -> bool:
        return bool(self.tokens) and self._conditional() and self.at == len(self.tokens)

    def _peek(self) -> str:
        return self.tokens[self.at] if self.at < len(self.tokens) else ""

    def _take(self, token: str) -> bool:
        if self._peek() == token:
            self.at += 1
            return True
        return False

    def _conditional(self) -> bool:
        if not self._binary(0):
            return False
        if self._take("?"):
            return self._conditional() and self._take(":") and self._conditional()
        return True

    def _binary(self, level: int) -> bool:
        if level == len(_LEVELS):
            return self._unary()
        if not self._binary(level + 1):
            return False
        while self._peek() in _LEVELS[level]:
            self.at += 1
            if not self._binary(level + 1):
                return False
        return True

    def _unary(self) -> bool:
        if self._take("!"):
            return self._unary()
        token = self._peek()
        if token == "n" or token.isdigit():
            self.at += 1
            return True
        return self._take("(") and self._conditional() and self._take(")")


# -- writing ------------------------------------------------------------------------------------------------

# Written by ``szpub update`` from the project and the language; every other header field is the translators'
# (Last-Translator, Language-Team, PO-Revision-Date, X-Generator, X-Poedit-*, ...) and is kept as it was.
OWNED_HEADERS = (
    "Project-Id-Version", "POT-Creation-Date", "Language", "Plural-Forms", "MIME-Version", "Content-Type",
    "Content-Transfer-Encoding",
)  # fmt: skip
_DROPPED_HEADERS = ("Generated-By",)  # Babel's: its version would change every catalog on an upgrade
_PLACEHOLDERS = ("FULL NAME", "EMAIL@ADDRESS", "YEAR-MO-DA", "LANGUAGE <LL@li.org>")  # gettext's template values
_COMMENTS = TextWrapper(width=WIDTH, break_long_words=False)


def header_fields(catalog: Catalog) -> list[Header]:
    """The header a catalog is written with: the fields szpub owns from Babel, the others as read."""
    owned = {name: value.strip() for name, value in catalog.mime_headers if name in OWNED_HEADERS}
    kept = catalog.headers if isinstance(catalog, PoCatalog) else []
    if not kept:
        kept = [Header(name, value.strip()) for name, value in catalog.mime_headers]
    fields = [Header(h.name, owned.pop(h.name, h.value)) for h in kept if h.name not in _DROPPED_HEADERS]
    fields += [Header(name, value) for name, value in owned.items()]
    # a template's placeholder goes; an empty field stays (msgfmt --check-header wants Last-Translator present)
    return [h for h in fields if h.name in OWNED_HEADERS or not (_placeholder(h.value) or _empty_optional(h))]


def _empty_optional(header: Header) -> bool:
    return header.name == "Report-Msgid-Bugs-To" and not header.value


def _placeholder(value: str) -> bool:
    return any(mark in value for mark in _PLACEHOLDERS)


def render_catalog(catalog: Catalog, *, python_format: bool = True) -> bytes:
    """The canonical text of a catalog: Babel's wrapping, gettext's ``#|`` previous msgids, the header kept.

    MyST roles (``{fact}`id```) make Babel flag msgids as python-brace-format, which they are not; document
    messages are never %-formatted either, so their catalogs drop python-format too (``python_format=False``).
    """
    for message in [*catalog, *catalog.obsolete.values()]:
        message.flags.discard("python-brace-format")
        if not python_format:
            message.flags.discard("python-format")
    parts = [_render_header(catalog)]
    parts += ["\n".join(_message_lines(catalog, message)) + "\n\n" for message in catalog if message.id]
    parts += ["\n".join(_message_lines(catalog, m, obsolete=True)) + "\n\n" for m in catalog.obsolete.values()]
    return "".join(parts).encode("utf-8")


def _render_header(catalog: Catalog) -> str:
    comment = catalog.header_comment.strip("\n")
    lines = [line for raw in comment.splitlines() for line in _HEADER_COMMENT.wrap(raw) or ["#"]]
    if catalog.fuzzy:
        lines.append("#, fuzzy")
    text = "".join(f"{field.name}: {field.value}\n" for field in header_fields(catalog))
    lines += ['msgid ""', f"msgstr {normalize(text, width=WIDTH)}"]
    return "\n".join(lines) + "\n\n"


_HEADER_COMMENT = TextWrapper(width=WIDTH, subsequent_indent="# ", break_long_words=False)


def _message_lines(catalog: Catalog, message: Message, *, obsolete: bool = False) -> Iterator[str]:
    yield from (f"# {comment}".rstrip() for comment in message.user_comments)
    # one line per extracted comment, as xgettext writes them: readers show each line as one note
    yield from (f"#. {line}".rstrip() for comment in message.auto_comments for line in comment.splitlines())
    if message.locations and not obsolete:
        locations = dict.fromkeys(f"{path}:{line}" if line else path for path, line in _sorted(message.locations))
        yield from (f"#: {line}" for line in _COMMENTS.wrap(" ".join(locations)))
    if message.flags:
        yield "#, " + ", ".join(sorted(message.flags))
    if message.previous_id and not obsolete:
        # gettext's form: each line of the previous msgid is a "#| " comment (Babel writes them on one line)
        yield from ("#| " + line for line in f"msgid {normalize(message.previous_id[0], width=WIDTH)}".splitlines())
    prefix = "#~ " if obsolete else ""
    if message.context:
        yield f"{prefix}msgctxt {normalize(message.context, prefix=prefix, width=WIDTH)}"
    if isinstance(message.id, (list, tuple)):
        yield f"{prefix}msgid {normalize(message.id[0], prefix=prefix, width=WIDTH)}"
        yield f"{prefix}msgid_plural {normalize(message.id[1], prefix=prefix, width=WIDTH)}"
        strings = list(message.string) if isinstance(message.string, (list, tuple)) else [message.string or ""]
        for index in range(catalog.num_plurals):
            string = strings[index] if index < len(strings) else ""
            yield f"{prefix}msgstr[{index}] {normalize(string or '', prefix=prefix, width=WIDTH)}"
    else:
        yield f"{prefix}msgid {normalize(message.id, prefix=prefix, width=WIDTH)}"
        yield f"{prefix}msgstr {normalize(str(message.string or ''), prefix=prefix, width=WIDTH)}"


def _sorted(locations: Sequence[tuple[str, int | None]]) -> list[tuple[str, int | None]]:
    return sorted(locations, key=lambda location: (location[0], location[1] or -1))


def write_catalog(path: Path, data: bytes) -> bool:
    """Writes ``data`` unless the file already holds exactly it; True if the file changed."""
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    temporary.replace(path)
    return True
