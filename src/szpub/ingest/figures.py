"""Figures in a release's prose: values, kinds, units, qualifiers and periods, with drafted ids and labels."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from szpub.core.figures import Figure
from szpub.ingest.release import Paragraph, fold


@dataclass(frozen=True)
class FoundFigure(Figure):
    """A figure found in a paragraph: the data file's fields and the span of text the role replaces."""

    paragraph: int = 0
    start: int = 0
    end: int = 0
    text: str = ""


_NUMBER = re.compile(
    r"(?<![\w.,:/-])(?P<number>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<fraction>\d+))?"
    r"(?:(?P<percent>\s?%|\s(?:percent|per cent)\b)|\s(?P<scale>thousand|million|billion|trillion)\b)?"
    r"(?![\w%]|[.,:/-]\d)"
)
_WORDS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_NUMBER_WORD = re.compile(rf"(?<![\w-])(?P<word>(?i:{'|'.join(_WORDS)}))(?=\s[a-z])")
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
# a day of a date, also the second of a range: "Nov. 14 to 18"
_DATE_BEFORE = re.compile(rf"\b(?:{_MONTHS})\.?\s(?:\d{{1,2}}\s?(?:to|-|\u2013|and)\s?)?$", re.IGNORECASE)
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
_QUALIFIER_WORDS = frozenset(word for phrase in _QUALIFIERS.split("|") for word in phrase.split())
# What looks like a figure and is not one (the issue-14 releases in tests/data/releases hold one of each):
_TIME_UNIT = r"(?:second|minute|hour|day|night|week|month|quarter|year)s?"
_DURATION_ADJECTIVE = re.compile(rf"^-{_TIME_UNIT}\b", re.IGNORECASE)  # "144-hour transit", "the 40-day rush"
_PERIOD_BEFORE = re.compile(r"\b(?:first|last|past|next|previous|coming|final)\s$", re.IGNORECASE)
_PERIOD_AFTER = re.compile(rf"^\s{_TIME_UNIT}\b", re.IGNORECASE)  # "the first two months": a period
_TIME_OF_DAY = re.compile(r"^\s?(?:am|pm|a\.m\.|p\.m\.)(?!\w)", re.IGNORECASE)
_RATE_BEFORE = re.compile(r"\bper\s$", re.IGNORECASE)  # "stations per 10,000 residents": the rate's unit
_IDENTIFIER_AFTER = re.compile(r"^\s(?:hotline|helpline|service line)\b", re.IGNORECASE)
# "Terminal 3", "Line 14", "Fortune Global 500", "No. 1", "top 10": names, ranks; "About 300" is a figure
_NAME_BEFORE = re.compile(r"(?:\bNos?\.|\b[Tt]op|\b[A-Z][\w-]*)\s$")  # not "China's 168 cities"
_IDENTIFIER_DIGITS = 5  # English prose groups digits ("12,345"): a bare 12345 is a hotline or a code
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


def find_figures(paragraph: Paragraph, section: str, updated: dt.datetime, taken: set[str]) -> list[FoundFigure]:
    """The figures of a paragraph, in order, with drafted ids, units, qualifiers, periods and labels."""
    text = paragraph.text
    found = sorted(_numbers(text) + _number_words(text), key=lambda f: f.start)
    trailing = _trailing_qualifiers(text, found)
    figures = []
    period = ""  # the present tense ("now operates 248 routes") states no period: left empty, not guessed
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
        if _not_a_figure(text, match.start(), match.end(), plain=plain):
            continue
        amount = Decimal(number.replace(",", "") + (f".{fraction}" if fraction else ""))
        amount *= _SCALES.get(scale or "", 1)
        value: int | float = int(amount) if amount == amount.to_integral_value() else float(amount)
        kind, unit = ("percent", "") if percent else _kind_and_unit(text, match.start(), match.end(), value)
        found.append(_Found(match.start(), match.end(), value, kind, unit))
    return found


def _not_a_figure(text: str, start: int, end: int, *, plain: bool) -> bool:
    """A duration used as an adjective, a period, a time of day, a rank, a name or an identifier."""
    before, after = text[:start], text[end:]
    if _DURATION_ADJECTIVE.match(after) or (_PERIOD_BEFORE.search(before) and _PERIOD_AFTER.match(after)):
        return True
    if _RATE_BEFORE.search(before):
        return True
    if not plain:
        return False
    if len(text[start:end]) >= _IDENTIFIER_DIGITS or _TIME_OF_DAY.match(after) or _IDENTIFIER_AFTER.match(after):
        return True
    name = _NAME_BEFORE.search(before)
    return name is not None and name.group().strip().lower() not in _QUALIFIER_WORDS | _STOP


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
        _Found(m.start(), m.end(), _WORDS.index(m["word"].lower()) + 2, "count", _unit(text[m.end():]), words=True)
        for m in _NUMBER_WORD.finditer(text)
        if not _not_a_figure(text, m.start(), m.end(), plain=False)
    ]


# Words that end the noun a figure counts: prepositions, possessives, comparatives ("15.9 percent higher").
_ENDS_PHRASE = frozenset(
    (
        "during", "across", "through", "into", "over", "under", "between", "among", "after", "before", "since",
        "until", "against", "around", "about", "along", "via", "its", "their", "his", "her", "our", "than",
        "higher", "lower", "more", "less", "fewer", "greater", "larger", "bigger", "smaller", "up", "down",
    )
)
_ACRONYM = re.compile(r"[A-Z]{2,}s?")  # "TEUs", "GW": a unit; a capitalised word ("Airport") is a name
_COMPOUND_UNIT = re.compile(
    r"^\s(?P<unit>percentage points?|(?:square|cubic) [a-z]+|[a-z]+ per (?:cubic |square )?[a-z]+)\b"
)


def _is_plural(word: str) -> bool:
    lower = word.lower()
    return lower.endswith("s") and not lower.endswith(("ss", "us", "is", "news", "overseas")) and len(lower) > 2


def _noun_phrase(text: str) -> str:
    """The words right after a figure up to the end of its noun: "international shipping routes"."""
    words: list[str] = []
    for match in re.finditer(r"\s(\S+)", text):
        word = match.group(1)
        bare = word.rstrip(".,;:!?)\"\u201d\u2019")
        lower = bare.lower()
        if not re.fullmatch("[A-Za-z][\\w'\u2019-]*", bare) or (lower in _STOP and lower != "and"):
            break
        if lower in _WORDS or (bare.endswith("ed") and "-" not in bare and any(w.endswith("s") for w in words)):
            break  # the next figure, or a verb after the noun: "nine countries visited"
        if (lower in _ENDS_PHRASE and words) or (bare[:1].isupper() and not _ACRONYM.fullmatch(bare)):
            break  # "12 more routes" keeps its "more"; "Airport", "Railway": a name follows, not the unit
        if words and _is_plural(words[-1]) and lower != "and":
            break  # the plural noun ended it: "graduates having", "residents took part"
        words.append(bare)
        if bare != word or len(words) == 6:
            break
    while words and (words[-1].lower() in _STOP or words[-1].lower().endswith("ly")):
        words.pop()
    return " ".join(words)


def _unit(text: str) -> str:
    compound = re.match(r"-([A-Za-z]+)", text)
    if compound:
        return compound.group(1)  # "a 5-star hotel": the figure counts stars
    special = _COMPOUND_UNIT.match(text)
    if special:
        return special["unit"]  # "percentage points", "micrograms per cubic meter"
    phrase = _noun_phrase(text)
    if not phrase:
        return ""
    head, _, tail = phrase.rpartition(" and ")
    if head and _is_plural(head.split()[-1]) and len(tail.split()) <= 2 and _is_plural(tail):
        return f"{head.split()[-1]} and {tail}"  # "countries and regions"
    return (head or phrase).split()[-1]  # "routes and raise": the routes


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
) -> FoundFigure:
    qualifier_match = _QUALIFIER_BEFORE.search(text[clause[0]: item.start])
    qualifier = qualifier_match["qualifier"].lower() if qualifier_match else trailing
    before_end = clause[0] + qualifier_match.start() if qualifier_match else item.start
    label = _label(text[clause[0]: before_end], text[item.end: clause[1]], item.kind, after_figure=after_figure)
    phrase = _noun_phrase(text[item.end:]) if item.kind in ("count", "decimal") else ""
    figure_id = _unique_id(phrase or label, section, taken, last=bool(phrase))
    return FoundFigure(
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
    content = [w for w in re.findall(r"[a-z]+", re.sub(r"'s\b", "", fold(words))) if w not in _STOP]
    content = [w for i, w in enumerate(content) if not i or w != content[i - 1]]
    base = "_".join(content[-3:] if last else content[:3]) or section.replace("-", "_") + "_figure"
    figure_id, number = base, 2
    while figure_id in taken:
        figure_id, number = f"{base}_{number}", number + 1
    return figure_id
