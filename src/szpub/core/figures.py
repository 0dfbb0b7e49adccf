"""The figures of a release: load and validate the data file, format a figure for a language."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from szpub.core import l10n, mdtext, yamlfile
from szpub.core.errors import SzpubError
from szpub.core.markup import bidi_problem

KINDS = ("count", "decimal", "percent", "amount")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_PERIOD = re.compile(r"^([1-9]\d{3}(-(0[1-9]|1[0-2]))?)?$")  # "" when the release does not state it
_TEXT_FIELDS = ("label", "unit", "qualifier")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
MAX_TEXT = 300  # a label is a phrase, not a paragraph
MAX_VALUE = 10**15  # Babel formats it exactly; a float beyond loses digits, 1e308 overflows formatting
# field name -> (required, accepted types)
_FIELDS: dict[str, tuple[bool, tuple[type, ...]]] = {
    "id": (True, (str,)),
    "value": (True, (int, float)),
    "kind": (True, (str,)),
    "period": (True, (str,)),
    "section": (True, (str,)),
    "label": (True, (str,)),
    "unit": (False, (str,)),
    "qualifier": (False, (str,)),
    "words": (False, (bool,)),
}
# Qualifiers that follow the figure ("59 destinations, a record high"); others precede it.
_TRAILING_QUALIFIER = re.compile(r"^(an? |record)")


class FiguresError(SzpubError):
    """A data file that cannot be used; the message names file, line and field."""


@dataclass(frozen=True)
class Figure:
    """One figure of the release."""

    id: str
    value: int | float
    kind: str
    period: str
    section: str
    label: str
    unit: str = ""
    qualifier: str = ""
    words: bool = False
    line: int = field(default=0, compare=False)  # where it is written, not what it says

    def format(self, language: str, *, grouping_from: int | None = None) -> str:
        """The figure alone, as the reader's locale writes it (``8,002``, ``86.6%``, ``8002``).

        ``grouping_from``: the number style of the build (l10n.min_grouping_digits), else the language's default.
        """
        if self.kind == "percent":
            return l10n.format_percentage(self.value, language)
        return l10n.format_number(self.value, language, words=self.words, grouping_from=grouping_from)

    def phrase(self) -> str:
        """The figure with qualifier and unit as MyST source text, for translators."""
        text = " ".join(filter(None, [f"{{fact-value}}`{self.id}`", mdtext.escape_inline(self.unit)]))
        qualifier = mdtext.escape_inline(self.qualifier)
        if not qualifier:
            return text
        if _TRAILING_QUALIFIER.match(self.qualifier):
            return f"{text}, {qualifier}"
        return f"{qualifier} {text}"


def load_figures(path: Path) -> dict[str, Figure]:
    """Every figure of the data file by id; FiguresError naming file:line on bad data."""
    entries = _figure_nodes(path, yamlfile.load_yaml(path, FiguresError))
    facts: dict[str, Figure] = {}
    for node in entries:
        fact = _parse_fact(path, node)
        if fact.id in facts:
            first = facts[fact.id].line
            raise FiguresError(f"figure {fact.id!r}: duplicate id (first at line {first})", path, fact.line)
        facts[fact.id] = fact
    return facts


def _figure_nodes(path: Path, root: yaml.Node | None) -> list[yaml.MappingNode]:
    figures = None
    if isinstance(root, yaml.MappingNode):
        figures = next((v for k, v in root.value if k.value == "figures"), None)
    if not isinstance(figures, yaml.SequenceNode) or not figures.value:
        raise FiguresError("expected a non-empty list under 'figures:'", path, 1)
    for node in figures.value:
        if not isinstance(node, yaml.MappingNode):
            raise FiguresError("each figure must be a mapping of fields", path, node.start_mark.line + 1)
    return figures.value


def _parse_fact(path: Path, node: yaml.MappingNode) -> Figure:
    line = node.start_mark.line + 1
    raw = yamlfile.construct(node, path, FiguresError)
    assert isinstance(raw, dict)  # a mapping node with string keys
    name = raw.get("id") if isinstance(raw.get("id"), str) else f"at line {line}"
    lines = {key.value: key.start_mark.line + 1 for key, _ in node.value}
    for key, value in raw.items():
        if key not in _FIELDS:
            raise FiguresError(f"figure {name!r}: unknown field {key!r}", path, lines[key])
        types = _FIELDS[key][1]
        if not isinstance(value, types) or (bool not in types and isinstance(value, bool)):
            expected = " or ".join(t.__name__ for t in types)
            raise FiguresError(
                f"figure {name!r}: field {key!r} must be {expected}, not {type(value).__name__} ({value!r})",
                path,
                lines[key],
            )
    for key, (required, _types) in _FIELDS.items():
        if required and key not in raw:
            raise FiguresError(f"figure {name!r}: missing field {key!r}", path, line)
    if not _ID.match(raw["id"]):
        raise FiguresError(f"figure {name!r}: id must be lowercase letters, digits and '_'", path, line)
    if raw["kind"] not in KINDS:
        kinds = ", ".join(KINDS)
        raise FiguresError(f"figure {name!r}: unknown kind {raw['kind']!r} (one of {kinds})", path, lines["kind"])
    if not _PERIOD.match(raw["period"]):
        raise FiguresError(
            f"figure {name!r}: period must be YYYY or YYYY-MM (year 1000-9999, month 01-12) "
            f"or '' when the release does not state it, not {raw['period']!r}",
            path,
            lines["period"],
        )
    problem = _value_problem(raw["value"])
    if problem:
        raise FiguresError(f"figure {name!r}: value {problem}", path, lines["value"])
    for key in _TEXT_FIELDS:
        problem = _text_problem(raw.get(key, ""))
        if problem:
            raise FiguresError(f"figure {name!r}: {key} {problem}", path, lines[key])
    return Figure(**raw, line=line)


def _value_problem(value: float) -> str:
    """Why a value cannot be published, or ''."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"must be a finite number, not {value!r}"
    if abs(value) > MAX_VALUE:
        return f"{value!r} is out of range (at most {MAX_VALUE:.0e} in size)"
    return ""


def _text_problem(text: str) -> str:
    """Why a label, unit or qualifier cannot be reader text on one line, or ''."""
    if _CONTROL.search(text):
        return "must be one line of text (no newline, tab or control character)"
    if bidi_problem(text):
        return "may not hold bidirectional control characters (U+202A-U+202E, U+2066-U+2069)"
    if len(text) > MAX_TEXT:
        return f"is longer than {MAX_TEXT} characters"
    return ""
