"""The section map: which section page each paragraph of a release goes to, and why."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

import regex
import yaml

from szpub.core import yamlfile
from szpub.ingest.release import IngestError, fold

DEFAULT_SECTIONS = Path(__file__).with_name("sections.yaml")
RESERVED = ("index", "appendix")  # the pages every publication has
# Seconds a rule may take on one paragraph: Python's re would take hours on (a|aa)+$ over 60 letters;
# the regex module (re's syntax, version 0) stops there.
PATTERN_TIMEOUT = 0.5



@dataclass(frozen=True)
class Section:
    """A section page: its id (the page name), drafted title, and what sends a paragraph there."""

    id: str
    title: str
    rules: tuple[tuple[str, regex.Pattern[str]], ...] = ()
    origin: str = ""  # FILE:LINE of the section in its map

    def hits(self, text: str) -> list[str]:
        """Every keyword or pattern occurrence in ``text``, by the rule's own spelling."""
        folded = fold(text)
        found: list[str] = []
        for name, rule in self.rules:
            try:
                found += [name for _ in rule.finditer(folded, timeout=PATTERN_TIMEOUT)]
            except TimeoutError:
                raise IngestError(
                    f"{self.origin}: section {self.id!r}: pattern {name!r} takes over {PATTERN_TIMEOUT} s on one"
                    " paragraph (nested repetition such as (a+)+ backtracks without end): simplify it"
                ) from None
        return found


@dataclass(frozen=True)
class SectionMap:
    path: Path
    sections: tuple[Section, ...]
    fallback: str
    threshold: int = 1  # a paragraph whose best topic scores less goes to the fallback

    def get(self, section_id: str) -> Section:
        return next(section for section in self.sections if section.id == section_id)

    def best(self, text: str) -> Topic:
        """The topic that ``text`` matches most (ties: the one listed first), with its hits."""
        scored = [Topic(section, tuple(section.hits(text))) for section in self.sections]
        return max(scored, key=lambda topic: topic.score)  # max keeps the first of equals


@dataclass(frozen=True)
class Topic:
    """A paragraph's score for one section: one point per keyword or pattern occurrence."""

    section: Section
    hits: tuple[str, ...]

    @property
    def score(self) -> int:
        return len(self.hits)

    def describe(self) -> str:
        tally = {hit: self.hits.count(hit) for hit in self.hits}
        return ", ".join(f"'{hit}'" + (f" \u00d7{n}" if n > 1 else "") for hit, n in tally.items())


# The fallback's heading when it is the release's only section: the release is one article part.
ALONE_TITLE = "The release"


def load_section_map(path: Path | None = None) -> SectionMap:
    """The section map with its threshold (``threshold: N`` at the top of the file; default 1)."""
    sections = load_sections(path)
    data = yaml.safe_load(sections.path.read_text(encoding="utf-8"))  # load_sections has read it already
    threshold = data.get("threshold", 1)
    if not isinstance(threshold, int) or isinstance(threshold, bool) or threshold < 1:
        raise IngestError(f"{sections.path}:1: threshold must be a whole number of at least 1, not {threshold!r}")
    return dataclasses.replace(sections, threshold=threshold)


_SECTION_ID = re.compile(r"^[a-z][a-z0-9-]*$")


def load_sections(path: Path | None = None) -> SectionMap:
    """The section map in ``path`` (default: szpub's own); IngestError naming file and line."""
    path = path or DEFAULT_SECTIONS
    root = yamlfile.load_yaml(path, IngestError)
    data = yamlfile.construct(root, path, IngestError) if root else None
    if not isinstance(data, dict) or not isinstance(data.get("sections"), list) or not data["sections"]:
        raise IngestError(f"{path}:1: expected a non-empty list under 'sections:' (and 'fallback: ID')")
    assert isinstance(root, yaml.MappingNode)  # data, its contents, is a dict
    nodes = next(value for key, value in root.value if key.value == "sections").value
    sections = [
        _section(path, node.start_mark.line + 1, raw) for node, raw in zip(nodes, data["sections"], strict=True)
    ]
    ids = [section.id for section in sections]
    for index, section_id in enumerate(ids):
        if section_id in ids[:index]:
            raise IngestError(f"{path}:{nodes[index].start_mark.line + 1}: section {section_id!r}: duplicate id")
    fallback = data.get("fallback", ids[-1])
    if fallback not in ids:
        raise IngestError(f"{path}:1: fallback {fallback!r} is not one of the sections ({', '.join(ids)})")
    return SectionMap(path, tuple(sections), fallback)


def _section(path: Path, line: int, raw: object) -> Section:
    where = f"{path}:{line}: section"
    if not isinstance(raw, dict):
        raise IngestError(f"{where}: expected a mapping with id, title, keywords and patterns")
    section_id, title = raw.get("id"), raw.get("title")
    if not isinstance(section_id, str) or not _SECTION_ID.match(section_id) or section_id in RESERVED:
        raise IngestError(f"{where}: id must be lowercase letters, digits and '-', and not index or appendix")
    if not isinstance(title, str) or not title.strip():
        raise IngestError(f"{where} {section_id!r}: missing title")
    if "\n" in title.strip() or not title.isprintable() or len(title) > 200:
        raise IngestError(f"{where} {section_id!r}: the title must be one line of at most 200 characters")
    unknown = set(raw) - {"id", "title", "keywords", "patterns"}
    if unknown:
        raise IngestError(f"{where} {section_id!r}: unknown field {sorted(unknown)[0]!r}")
    rules: list[tuple[str, regex.Pattern[str]]] = []
    for name in ("keywords", "patterns"):
        values = raw.get(name) or []
        if not isinstance(values, list) or not all(isinstance(value, str) and value for value in values):
            raise IngestError(f"{where} {section_id!r}: {name} must be a list of strings")
        for value in values:
            try:
                rules.append((value, _keyword(value) if name == "keywords" else _pattern(value)))
            except regex.error as err:
                raise IngestError(f"{where} {section_id!r}: pattern {value!r}: {err}") from None
    return Section(section_id, title.strip(), tuple(rules), f"{path}:{line}")


def _pattern(pattern: str) -> regex.Pattern[str]:
    return regex.compile(pattern, regex.IGNORECASE | regex.VERSION0)


def _keyword(keyword: str) -> regex.Pattern[str]:
    words = r"[\s-]+".join(re.escape(word) for word in re.split(r"[\s-]+", fold(keyword).strip()))
    return regex.compile(rf"(?<![\w-]){words}(?:s|es)?(?![\w-])", regex.VERSION0)
