"""A plain-text release becomes a publication: conf.py, MyST sections, the figures file and catalogs."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

from szpub import l10n
from szpub.facts import FactsError, load_facts

DEFAULT_SECTIONS = Path(__file__).with_name("sections.yaml")
DEFAULT_LANGUAGES = ("zh_CN",)
SOURCE_LANGUAGE = "en"
# Shenzhen's releases are dated in China Standard Time.
RELEASE_TIMEZONE = dt.timezone(dt.timedelta(hours=8))
INDEX, APPENDIX = "index", "appendix"
FIGURES_FILE = "figures.yaml"


class IngestError(ValueError):
    """A release, section map or output folder that cannot be used; the message starts with FILE:LINE."""


# --- the release as received --------------------------------------------------------------------------------


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
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b\ufeff]")


def read_release(path: Path) -> Release:
    """The release in ``path``; IngestError naming ``path`` and the line on bad input."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise IngestError(f"{path}: cannot read: {err.strerror}") from None
    return parse_release(data, path)


def parse_release(data: bytes, path: Path) -> Release:
    """Portal, title, ``From:``, ``Updated:``, then paragraphs separated by blank lines."""
    lines = [(number, _clean(line)) for number, line in enumerate(_decode(data, path).split("\n"), 1)]
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


def _clean(line: str) -> str:
    """One line with every kind of space made plain and collapsed, and nothing at either end."""
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
        updated = dt.datetime(*(int(part or 0) for part in value.groups()), tzinfo=RELEASE_TIMEZONE)
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


# --- the section map ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """A section page: its id (the page name), drafted title, and what sends a paragraph there."""

    id: str
    title: str
    rules: tuple[tuple[str, re.Pattern[str]], ...] = ()

    def hits(self, text: str) -> list[str]:
        """Every keyword or pattern occurrence in ``text``, by the rule's own spelling."""
        folded = _fold(text)
        return [name for name, rule in self.rules for _ in rule.finditer(folded)]


@dataclass(frozen=True)
class SectionMap:
    path: Path
    sections: tuple[Section, ...]
    fallback: str

    def get(self, section_id: str) -> Section:
        return next(section for section in self.sections if section.id == section_id)


_SECTION_ID = re.compile(r"^[a-z][a-z0-9-]*$")


def load_sections(path: Path | None = None) -> SectionMap:
    """The section map in ``path`` (default: szpub's own); IngestError naming file and line."""
    path = path or DEFAULT_SECTIONS
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise IngestError(f"{path}: cannot read: {err.strerror}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        mark = getattr(err, "problem_mark", None)
        raise IngestError(f"{path}:{mark.line + 1 if mark else 1}: not valid YAML: {err}") from None
    data = yaml.safe_load(yaml.serialize(root)) if root else None
    if not isinstance(data, dict) or not isinstance(data.get("sections"), list) or not data["sections"]:
        raise IngestError(f"{path}:1: expected a non-empty list under 'sections:' (and 'fallback: ID')")
    nodes = next(value for key, value in root.value if key.value == "sections").value  # type: ignore[union-attr]
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
    if not isinstance(section_id, str) or not _SECTION_ID.match(section_id) or section_id in (INDEX, APPENDIX):
        raise IngestError(f"{where}: id must be lowercase letters, digits and '-', and not index or appendix")
    if not isinstance(title, str) or not title.strip():
        raise IngestError(f"{where} {section_id!r}: missing title")
    unknown = set(raw) - {"id", "title", "keywords", "patterns"}
    if unknown:
        raise IngestError(f"{where} {section_id!r}: unknown field {sorted(unknown)[0]!r}")
    rules: list[tuple[str, re.Pattern[str]]] = []
    for name in ("keywords", "patterns"):
        values = raw.get(name) or []
        if not isinstance(values, list) or not all(isinstance(value, str) and value for value in values):
            raise IngestError(f"{where} {section_id!r}: {name} must be a list of strings")
        for value in values:
            try:
                rules.append((value, _keyword(value) if name == "keywords" else re.compile(value, re.IGNORECASE)))
            except re.error as err:
                raise IngestError(f"{where} {section_id!r}: pattern {value!r}: {err}") from None
    return Section(section_id, title.strip(), tuple(rules))


def _keyword(keyword: str) -> re.Pattern[str]:
    words = r"[\s-]+".join(re.escape(word) for word in re.split(r"[\s-]+", _fold(keyword).strip()))
    return re.compile(rf"(?<![\w-]){words}(?:s|es)?(?![\w-])")


_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


def _fold(text: str) -> str:
    return text.translate(_FOLD).lower()


# --- the plan: paragraphs to sections, figures to the data file ---------------------------------------------


@dataclass(frozen=True)
class Placement:
    """Where a paragraph goes, and why."""

    paragraph: Paragraph
    section: str
    reason: str


@dataclass(frozen=True)
class Figure:
    """A figure found in a paragraph: the data file's fields and the span of text the role replaces."""

    id: str
    value: int | float
    kind: str
    period: str
    section: str
    label: str
    unit: str = ""
    qualifier: str = ""
    words: bool = False
    paragraph: int = 0
    start: int = 0
    end: int = 0
    text: str = ""


@dataclass(frozen=True)
class Plan:
    """Everything ``szpub ingest`` is about to write."""

    release: Release
    sections: SectionMap
    placements: tuple[Placement, ...]
    figures: tuple[Figure, ...]
    languages: tuple[str, ...] = DEFAULT_LANGUAGES

    @property
    def facts(self) -> list[Figure]:
        """The figures of the data file: one per id (a title may cite a figure of the prose)."""
        in_prose = {figure.id for figure in self.figures if figure.paragraph}
        return [figure for figure in self.figures if figure.paragraph or figure.id not in in_prose]

    def section_ids(self) -> list[str]:
        """The section pages in order of their first paragraph."""
        ids = [p.section for p in self.placements if p.section != INDEX]
        return list(dict.fromkeys(ids))


def assign_sections(paragraphs: tuple[Paragraph, ...], sections: SectionMap) -> list[Placement]:
    """The lede opens the index; every other paragraph goes to its best-matching section."""
    placements = [Placement(paragraphs[0], INDEX, "the lede (first paragraph) opens the index page")]
    for paragraph in paragraphs[1:]:
        scored = [(len(hits), -order, section, hits) for order, section in enumerate(sections.sections)
                  for hits in [section.hits(paragraph.text)]]
        count, _, best, hits = max(scored, key=lambda item: item[:2])
        if count:
            tally = {hit: hits.count(hit) for hit in hits}
            reason = "matched " + ", ".join(f"'{hit}'" + (f" \u00d7{n}" if n > 1 else "") for hit, n in tally.items())
            placements.append(Placement(paragraph, best.id, reason))
        else:
            placements.append(Placement(paragraph, sections.fallback, "no keyword matched: the fallback section"))
    return placements


def plan_release(release: Release, sections: SectionMap, languages: tuple[str, ...] = DEFAULT_LANGUAGES) -> Plan:
    """Sections and figures of a release."""
    placements = assign_sections(release.paragraphs, sections)
    figures: list[Figure] = []
    taken: set[str] = set()
    for placement in placements:
        for figure in find_figures(placement.paragraph, placement.section, release.updated, taken):
            figures.append(figure)
            taken.add(figure.id)
    return Plan(release, sections, tuple(placements), (*_title_figures(release, figures, taken), *figures), languages)


def _title_figures(release: Release, figures: list[Figure], taken: set[str]) -> list[Figure]:
    """A figure of the title cites the same figure of the prose ("grows 5.9%" … "grew 5.9%"), else its own."""
    cited = []
    for figure in find_figures(release.heading, INDEX, release.updated, taken):
        same = next((f for f in figures if (f.value, f.kind) == (figure.value, figure.kind)), None)
        cited.append(dataclasses.replace(figure, id=same.id) if same else figure)
    return cited


def prepare(release_path: Path, sections_path: Path | None = None, languages: list[str] | None = None) -> Plan:
    """Reads the release and the section map and plans the publication; IngestError on bad input."""
    targets = tuple(dict.fromkeys(languages or DEFAULT_LANGUAGES))
    targets = tuple(dict.fromkeys(language.replace("-", "_") for language in targets))  # zh-CN: Sphinx's zh_CN
    for language in targets:
        try:
            l10n.parse_locale(language)
        except ValueError as err:
            raise IngestError(f"--lang: {err}") from None
    for language in targets:
        if language == SOURCE_LANGUAGE:
            raise IngestError(f"--lang: {language!r} is the source language; name the target languages")
    sections = load_sections(sections_path)
    return plan_release(read_release(release_path), sections, tuple(targets))


def describe(plan: Plan) -> list[str]:
    """The plan as lines of text: each paragraph's page and why, then its figures."""
    release = plan.release
    lines = [f"{release.path}: {release.title!r} ({release.source}, {release.updated:%Y-%m-%d %H:%M})",
             f"sections from {plan.sections.path}"]
    for figure in (f for f in plan.figures if f.paragraph == 0):
        lines.append(f"title (line {release.title_line}): figure {figure.text!r} → {figure.id} = {figure.value}")
    for placement in plan.placements:
        paragraph = placement.paragraph
        preview = paragraph.text if len(paragraph.text) <= 60 else paragraph.text[:59] + "…"
        lines.append(f"¶{paragraph.number} (line {paragraph.line}) → {placement.section}: {placement.reason}")
        lines.append(f"    {preview}")
        for figure in (f for f in plan.figures if f.paragraph == paragraph.number):
            details = ", ".join(filter(None, [figure.kind, figure.qualifier, figure.unit and f"unit {figure.unit!r}",
                                              "words" if figure.words else "", figure.period]))
            lines.append(f"    figure {figure.text!r} → {figure.id} = {figure.value} ({details})")
    pages = ", ".join([INDEX, *plan.section_ids(), APPENDIX])
    lines.append(f"pages: {pages}; {len(plan.facts)} figures; catalogs for {', '.join(plan.languages)}")
    return lines


# --- figures --------------------------------------------------------------------------------------------------

_NUMBER = re.compile(
    r"(?<![\w.,:/-])(?P<number>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<fraction>\d+))?"
    r"(?:(?P<percent>\s?%|\s(?:percent|per cent)\b)|\s(?P<scale>thousand|million|billion|trillion)\b)?"
    r"(?![\w%]|[.,:/-]\d)"
)
_WORDS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_NUMBER_WORD = re.compile(rf"(?<![\w-])(?P<word>{'|'.join(_WORDS)})(?=\s[a-z])")
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DATE_BEFORE = re.compile(rf"\b(?:{_MONTHS})\.?\s$", re.IGNORECASE)
_DATE_AFTER = re.compile(rf"^\s(?:{_MONTHS})\b", re.IGNORECASE)
_CURRENCY_AFTER = re.compile(r"^\s(?P<unit>yuan|U\.S\. dollars|US dollars|dollars|euros|RMB)\b")
_CURRENCY_BEFORE = {"US$": "US dollars", "$": "US dollars", "¥": "yuan", "RMB": "yuan", "RMB ": "yuan"}
_QUALIFIERS = (
    "more than|over|nearly|almost|about|around|approximately|roughly|some|up to|at least|less than|fewer than|"
    "close to|as many as"
)
_QUALIFIER_BEFORE = re.compile(rf"\b(?P<qualifier>{_QUALIFIERS})\s(?:US\$|\$|¥|RMB\s?)?$", re.IGNORECASE)
_QUALIFIER_END = re.compile(rf"\s*\b(?:{_QUALIFIERS})$", re.IGNORECASE)
_QUALIFIER_AFTER = re.compile(r"\b(?P<qualifier>an? (?:new )?record high|an all-time high|a historic high)\b", re.I)
_SENTENCE_END = re.compile("(?<=[.!?])[\"\u201d\u2019)]?\\s+(?=[\"\u201c\u2018(]?[A-Z])")
_STOP = frozenset(
    (
        "a", "an", "the", "of", "in", "to", "from", "at", "for", "by", "on", "with", "and", "or", "but", "as", "than",
        "that", "which", "who", "whose", "were", "was", "are", "is", "be", "been", "being", "have", "has", "had",
        "will", "would", "can", "could", "also", "now", "last", "this", "next", "year", "years", "reaching",
        "connecting", "including", "worldwide", "nationwide", "respectively", "annually", "each", "per",
    )
)


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    value: int | float
    kind: str
    unit: str = ""
    words: bool = False


def find_figures(paragraph: Paragraph, section: str, updated: dt.datetime, taken: set[str]) -> list[Figure]:
    """The figures of a paragraph, in order, with drafted ids, units, qualifiers, periods and labels."""
    text = paragraph.text
    found = sorted(_numbers(text) + _number_words(text), key=lambda f: f.start)
    trailing = _trailing_qualifiers(text, found)
    figures = []
    period = _default_period(updated)
    for sentence_start, sentence_end in _sentences(text):
        period = _period(text[sentence_start:sentence_end], updated, period)
        for index, item in enumerate(found):
            if not sentence_start <= item.start < sentence_end:
                continue
            # the figure's clause stops at its neighbours: their words are not its label
            before = found[index - 1].end if index and found[index - 1].start >= sentence_start else sentence_start
            following = found[index + 1].start if index + 1 < len(found) else sentence_end
            clause = (before, min(following, sentence_end))
            figure = _figure(text, item, clause, section, period, trailing.get(index, ""), paragraph, taken,
                             after_figure=before != sentence_start)
            figures.append(figure)
            taken = taken | {figures[-1].id}
    return figures


def _numbers(text: str) -> list[_Found]:
    found = []
    for match in _NUMBER.finditer(text):
        number, fraction, percent, scale = match["number"], match["fraction"], match["percent"], match["scale"]
        plain = not (fraction or percent or scale or "," in number)
        if plain and len(number) == 4 and 1900 <= int(number) <= 2100:
            continue  # a year
        if not (fraction or percent or scale) and (
            _DATE_BEFORE.search(text[: match.start()]) or _DATE_AFTER.match(text[match.end():])
        ):
            continue  # a day of a date
        amount = Decimal(number.replace(",", "") + (f".{fraction}" if fraction else ""))
        amount *= _SCALES.get(scale or "", 1)
        value: int | float = int(amount) if amount == amount.to_integral_value() else float(amount)
        kind, unit = ("percent", "") if percent else _kind_and_unit(text, match.start(), match.end(), value)
        found.append(_Found(match.start(), match.end(), value, kind, unit))
    return found


def _kind_and_unit(text: str, start: int, end: int, value: int | float) -> tuple[str, str]:
    currency = _CURRENCY_AFTER.match(text[end:])
    if currency:
        return "amount", currency["unit"]
    for sign, unit in _CURRENCY_BEFORE.items():
        if text[:start].endswith(sign):
            return "amount", unit
    return ("count" if isinstance(value, int) else "decimal"), _unit(text[end:])


def _number_words(text: str) -> list[_Found]:
    return [
        _Found(m.start(), m.end(), _WORDS.index(m["word"]) + 2, "count", _unit(text[m.end():]), words=True)
        for m in _NUMBER_WORD.finditer(text)
    ]


def _noun_phrase(text: str) -> str:
    """The words right after a figure up to a function word or punctuation: "international shipping routes"."""
    words = []
    for match in re.finditer(r"\s(\S+)", text):
        word = match.group(1)
        bare = word.rstrip(".,;:!?)\"\u201d\u2019")
        if not re.fullmatch("[A-Za-z][\\w'\u2019-]*", bare) or (bare.lower() in _STOP and bare.lower() != "and"):
            break
        if bare.lower() in _WORDS or (bare.endswith("ed") and "-" not in bare and any(w.endswith("s") for w in words)):
            break  # the next figure, or a verb after the noun: "nine countries visited"
        words.append(bare)
        if bare != word or len(words) == 6:
            break
    while words and (words[-1].lower() in _STOP or words[-1].lower().endswith("ly")):
        words.pop()
    return " ".join(words)


def _unit(text: str) -> str:
    compound = re.match(r"-([A-Za-z]+)", text)
    if compound:
        return compound.group(1)  # "a 144-hour transit": the figure counts hours
    phrase = _noun_phrase(text)
    if not phrase:
        return ""
    head, _, tail = phrase.rpartition(" and ")
    if head and head.split()[-1].endswith("s") and len(tail.split()) <= 2:
        return f"{head.split()[-1]} and {tail}"  # "countries and regions"
    return phrase.split()[-1]


def _trailing_qualifiers(text: str, found: list[_Found]) -> dict[int, str]:
    """"..., reaching a record high" qualifies the figure before it, in the same sentence."""
    qualifiers = {}
    for match in _QUALIFIER_AFTER.finditer(text):
        sentence = next((span for span in _sentences(text) if span[0] <= match.start() < span[1]), (0, len(text)))
        before = [i for i, item in enumerate(found) if sentence[0] <= item.start < match.start()]
        if before:
            qualifiers[before[-1]] = match["qualifier"].lower()
    return qualifiers


def _sentences(text: str) -> list[tuple[int, int]]:
    starts = [0, *(m.end() for m in _SENTENCE_END.finditer(text))]
    return list(zip(starts, [*starts[1:], len(text)], strict=True))


def _default_period(updated: dt.datetime) -> str:
    return f"{updated.year:04d}-{updated.month:02d}"


def _period(sentence: str, updated: dt.datetime, previous: str) -> str:
    """A sentence's period: "last year" is the year before the release; otherwise the previous sentence's."""
    folded = sentence.lower()
    if "last year" in folded:
        return str(updated.year - 1)
    if "this year" in folded:
        return str(updated.year)
    if "last month" in folded:
        month = updated.replace(day=1) - dt.timedelta(days=1)
        return f"{month.year:04d}-{month.month:02d}"
    year = re.search(r"\b(?:in|since|during|for) (19\d\d|20\d\d)\b", sentence)
    return year.group(1) if year else previous


def _figure(
    text: str, item: _Found, clause: tuple[int, int], section: str, period: str, trailing: str,
    paragraph: Paragraph, taken: set[str], *, after_figure: bool,
) -> Figure:
    qualifier_match = _QUALIFIER_BEFORE.search(text[clause[0]: item.start])
    qualifier = qualifier_match["qualifier"].lower() if qualifier_match else trailing
    before_end = clause[0] + qualifier_match.start() if qualifier_match else item.start
    label = _label(text[clause[0]: before_end], text[item.end: clause[1]], item.kind, after_figure=after_figure)
    phrase = _noun_phrase(text[item.end:]) if item.kind in ("count", "decimal") else ""
    figure_id = _unique_id(phrase or label, section, taken, last=bool(phrase))
    return Figure(
        id=figure_id, value=item.value, kind=item.kind, period=period, section=section, label=label,
        unit=item.unit, qualifier=qualifier, words=item.words,
        paragraph=paragraph.number, start=item.start, end=item.end, text=text[item.start: item.end],
    )


_LEADING = re.compile(
    r"^(?:.*\b(?:that|said|says|noted|according to)\s+)?(?:(?:and|with|while|but|which|reaching|connecting|"
    r"including|of which|a total of|the total of|totaling|totalling)(?:\s+|$))*",
    re.IGNORECASE,
)
_CURRENCY_END = re.compile(r"\s*(?:US\$|\$|¥|RMB)$")
_TIME_PHRASES = re.compile(r"\s*\b(?:last year|this year|last month|so far)\b", re.IGNORECASE)


def _label(before: str, after: str, kind: str, *, after_figure: bool = False) -> str:
    """A label drafted from the figure's clause: the words around it, without the figure."""
    before = _CURRENCY_END.sub("", _clause_tail(before))
    if after_figure:  # "... 54 countries, and its two airports": the words after "and" are this figure's
        before = re.split(r"\s(?:and|while|but|whereas)\s", re.sub(r"^-\w+\s*", "", before))[-1]
    after = _QUALIFIER_END.sub("", _clause_head(after))
    after = re.sub(r"(?:\s+(?:of|by|to|at|in|from|and|with))+$", "", after)
    compound = re.match(r"-(\w+)\s*", after)
    if compound:  # "a 144-hour transit": the transit, in hours
        after = f"{after[compound.end():]}, in {compound.group(1)}s"
    if kind == "percent" and after.lower().startswith("of "):
        label = f"share {after}"
    else:
        before = _LEADING.sub("", before)
        before = re.sub(r"\s+(?:of|by|to|at)$", "", before) if not after or kind == "percent" else before
        label = f"{before} {after}".strip()
    label = re.sub(r"\s+", " ", _TIME_PHRASES.sub("", label)).strip(" ,;:-")
    label = re.sub(r"\s*\d[\d,.]*%?", "", label).strip()  # never a bare figure in reader text
    label = re.sub(r"(?:\s+(?:of|by|to|at|in|from|and|with|on))+$", "", label)
    return (label[:1].upper() + label[1:]) if label else "Figure"


def _clause_tail(text: str) -> str:
    return re.split(r"[,;:()]\s*", text)[-1].strip()


def _clause_head(text: str) -> str:
    return re.split(r"[,;:()]|\.(?:\s|$)", text)[0].strip()


def _unique_id(words: str, section: str, taken: set[str], *, last: bool) -> str:
    """A readable id: the last three content words of the unit's phrase, or the first three of the label."""
    content = [w for w in re.findall(r"[a-z]+", re.sub(r"'s\b", "", _fold(words))) if w not in _STOP]
    content = [w for i, w in enumerate(content) if not i or w != content[i - 1]]
    base = "_".join(content[-3:] if last else content[:3]) or section.replace("-", "_") + "_figure"
    figure_id, number = base, 2
    while figure_id in taken:
        figure_id, number = f"{base}_{number}", number + 1
    return figure_id


# --- the publication's files --------------------------------------------------------------------------------

_FIGURES_HEADER = """\
# Every figure of the release, cited from the prose with {fact}`id`; drafted by szpub ingest from
# {release}: check each value, refine ids and labels.
# kind: count | percent | decimal | amount; period: YYYY or YYYY-MM;
# label, unit and qualifier are reader text: translators see them in appendix.po.
figures:
"""
_APPENDIX = "# Figures in this release\n\n```{figures-appendix}\n```\n"
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>{}|])")
_MARKDOWN_BLOCK = re.compile(r"^(?:[#>+=-]|\d+[.)]\s)")


def render_publication(plan: Plan) -> dict[str, str]:
    """The text files of the publication by relative path (catalogs come later, from these)."""
    prose = {p.paragraph.number: _cite(p.paragraph.text, plan.figures, p.paragraph.number) for p in plan.placements}
    files = {"conf.py": render_conf(plan), "docs/appendix.md": _APPENDIX}
    lede = [prose[p.paragraph.number] for p in plan.placements if p.section == INDEX]
    toctree = "\n".join([*plan.section_ids(), APPENDIX])
    files["docs/index.md"] = (
        f"# {_cite(plan.release.title, plan.figures, 0)}\n\n```{{byline}}\n```\n\n" + "\n\n".join(lede)
        + f"\n\n```{{toctree}}\n:maxdepth: 1\n\n{toctree}\n```\n"
    )
    for section_id in plan.section_ids():
        paragraphs = [prose[p.paragraph.number] for p in plan.placements if p.section == section_id]
        title = _escape(plan.sections.get(section_id).title)
        files[f"docs/{section_id}.md"] = f"# {title}\n\n" + "\n\n".join(paragraphs) + "\n"
    files[f"docs/{FIGURES_FILE}"] = render_figures(plan)
    return files


def _cite(text: str, figures: tuple[Figure, ...], paragraph: int) -> str:
    """The paragraph as MyST: each figure replaced by its role, the rest escaped."""
    parts, position = [], 0
    for figure in (f for f in figures if f.paragraph == paragraph):
        parts += [_escape(text[position: figure.start]), f"{{fact}}`{figure.id}`"]
        position = figure.end
    parts.append(_escape(text[position:]))
    cited = "".join(parts)
    return _MARKDOWN_BLOCK.sub(_escape_block, cited, count=1) if parts[0] else cited


def _escape_block(match: re.Match[str]) -> str:
    """A paragraph that would read as a heading, quote or list item: escape its first punctuation."""
    marker = match.group()
    return marker[:-2] + "\\" + marker[-2:] if marker[0].isdigit() else "\\" + marker


def _escape(text: str) -> str:
    """Plain text that MyST reads back as the same text (rare in releases, so msgids stay clean)."""
    return _MARKDOWN_INLINE.sub(r"\\\1", text)


def render_figures(plan: Plan) -> str:
    entries = []
    for figure in plan.facts:
        lines = [f"  - id: {figure.id}", f"    value: {figure.value}", f"    kind: {figure.kind}"]
        if figure.words:
            lines.append("    words: true")
        lines += [f"    {name}: {_yaml_string(getattr(figure, name))}" for name in ("unit", "qualifier")
                  if getattr(figure, name)]
        lines += [f'    period: "{figure.period}"', f"    section: {figure.section}",
                  f"    label: {_yaml_string(figure.label)}"]
        entries.append("\n".join(lines) + "\n")
    return _FIGURES_HEADER.replace("{release}", plan.release.path.name) + "\n".join(entries)


def _yaml_string(text: str) -> str:
    dumped = yaml.safe_dump(text, allow_unicode=True, width=10**6, default_style=None).strip()
    return dumped.removesuffix("\n...").removesuffix("...").strip()


def render_conf(plan: Plan) -> str:
    release = plan.release
    fields = render_conf_fields(plan)
    body = "".join(f"    {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)},\n" for k, v in fields.items())
    languages = ", ".join(json.dumps(lang) for lang in (SOURCE_LANGUAGE, *plan.languages))
    date = f"{release.updated:%d %B %Y}"
    return f'''"""Sphinx configuration of {release.source}'s release of {date}, drafted by szpub ingest."""

from pathlib import Path

extensions = ["szpub"]

language = "{SOURCE_LANGUAGE}"
szpub_languages = [{languages}]
locale_dirs = [str(Path(__file__).parent / "locales")]  # absolute: Sphinx resolves it against docs/
gettext_compact = False

szpub_slug = {json.dumps(slug(release))}
szpub_release = {{
{body}}}
szpub_figures = "{FIGURES_FILE}"

exclude_patterns = ["{FIGURES_FILE}"]
'''


def slug(release: Release) -> str:
    """The publication's file-name stem: the release file's name, made safe for URLs."""
    text = re.sub(r"[^a-z0-9]+", "-", _fold(release.path.stem)).strip("-")
    return text or f"release-{release.updated:%Y-%m-%d}"


# --- writing: a staging folder beside DIR, moved into place only when complete ------------------------------


@dataclass(frozen=True)
class IngestResult:
    """What ``szpub ingest`` wrote."""

    out: Path
    files: tuple[str, ...]
    sections: tuple[str, ...]
    figures: int
    catalogs: tuple[str, ...] = field(default=())


def check_output(out: Path, *, force: bool) -> None:
    """IngestError unless ``out`` is absent, an empty folder, or ``force`` is given."""
    if out.exists() and not out.is_dir():
        raise IngestError(f"{out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise IngestError(f"{out}: folder is not empty; choose another, or use --force to replace its publication")


def write_publication(plan: Plan, out: Path, *, force: bool = False) -> IngestResult:
    """Writes the publication into ``out`` completely, or not at all."""
    check_output(out, force=force)
    if not plan.figures:
        line = plan.release.paragraphs[-1].line
        raise IngestError(f"{plan.release.path}:{line}: no figures found; a publication needs at least one")
    parent = out.absolute().parent
    created = next((folder for folder in [*reversed(parent.parents), parent] if not folder.exists()), None)
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.ingest-", dir=parent))
    except OSError as err:
        raise IngestError(f"{out}: cannot create the folder: {err.strerror}") from None
    done = False
    try:
        staging.chmod(0o777 & ~_umask())  # mkdtemp's 0700 would outlive the move
        files = [*_write_files(staging, plan), f"release/{plan.release.path.name}"]
        _check_figures(staging / "docs" / FIGURES_FILE, plan)
        catalogs = write_catalogs(staging, plan)
        _move_into_place(staging, out.absolute())
        done = True
    except OSError as err:
        raise IngestError(f"{out}: cannot write the publication: {err}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if created and not done:
            shutil.rmtree(created, ignore_errors=True)  # the folders made for DIR, nothing else
    return IngestResult(out, tuple(files), tuple(plan.section_ids()), len(plan.facts), catalogs)


def _write_files(staging: Path, plan: Plan) -> list[str]:
    files = render_publication(plan)
    for name, text in files.items():
        (staging / name).parent.mkdir(parents=True, exist_ok=True)
        (staging / name).write_text(text, encoding="utf-8")
    kept = staging / "release" / plan.release.path.name
    kept.parent.mkdir()
    shutil.copyfile(plan.release.path, kept)  # the release as received, byte for byte
    return list(files)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _check_figures(path: Path, plan: Plan) -> None:
    try:
        load_facts(path)
    except FactsError as err:  # a drafting bug, not the user's: say so plainly
        raise IngestError(f"{plan.release.path}: the drafted figures file is not valid: {err}") from None


def write_catalogs(root: Path, plan: Plan) -> tuple[str, ...]:
    """Untranslated catalogs for every target language, written as ``szpub update`` writes them."""
    from szpub.catalogs import UpdateError, update_catalogs
    from szpub.pofiles import CatalogError
    from szpub.project import ProjectError, find_project

    try:
        result = update_catalogs(find_project(root), list(plan.languages))
    except (UpdateError, CatalogError, ProjectError) as err:  # a drafting bug, not the user's: say so plainly
        message = str(err).replace(str(root), "DIR")
        raise IngestError(f"{plan.release.path}: the drafted publication does not extract:\n{message}") from None
    return tuple(update.path for update in result.catalogs)


def render_conf_fields(plan: Plan) -> dict[str, str]:
    release = plan.release
    return {
        "title": release.title,
        "source": release.source,
        "portal": release.portal,
        "updated": release.updated.isoformat(),
        "subject": release.title,
    }


def _move_into_place(staging: Path, out: Path) -> None:
    """``out`` becomes the staged publication; with --force, what it held is replaced entry by entry."""
    if not out.exists() or (out.is_dir() and not any(out.iterdir())):
        if out.exists():
            out.rmdir()
        staging.rename(out)
        return
    trash = Path(tempfile.mkdtemp(prefix=f".{out.name}.replaced-", dir=out.parent))
    moved: list[str] = []
    try:
        for entry in sorted(staging.iterdir()):
            if (out / entry.name).exists():
                (out / entry.name).rename(trash / entry.name)
            entry.rename(out / entry.name)
            moved.append(entry.name)
    except OSError:
        for name in moved:  # put back what was there
            shutil.rmtree(out / name, ignore_errors=True) if (out / name).is_dir() else (out / name).unlink()
            if (trash / name).exists():
                (trash / name).rename(out / name)
        raise
    finally:
        shutil.rmtree(trash, ignore_errors=True)
