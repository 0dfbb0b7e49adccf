"""A Chinese language's catalogs converted from another's (OpenCC), with a term list for what conversion gets wrong."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from szpub.catalogs.pofiles import CatalogError

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from babel.messages.catalog import Catalog

# OpenCC's configuration for each (from, to) pair szpub converts; s2hk is Simplified to Traditional with
# Hong Kong's character forms (裏, 着, 綫 is left to the term list: OpenCC 1.4 writes 線).
CONFIGS = {("zh_CN", "zh_HK"): "s2hk", ("zh_CN", "zh_TW"): "s2twp", ("zh_CN", "zh_MO"): "s2hk"}
NOTE_PREFIX = "converted from"
# Private-use characters stand for the term list's entries while OpenCC converts the rest of a message.
_PLACEHOLDER = 0xE000


@dataclass(frozen=True)
class TermRule:
    """One line of a term list: the Simplified text, its form in the target, and where that form comes from."""

    source: str
    target: str
    note: str


@dataclass
class ConversionResult:
    """What converting one language's catalogs did."""

    config: str
    converted: int = 0  # msgstrs converted (and marked fuzzy with a note)
    by_terms: int = 0  # of those, how many the term list changed
    catalogs: list[str] = field(default_factory=list)


def config_for(source: str, target: str) -> str:
    """OpenCC's configuration from ``source`` to ``target``; SzpubError for a pair szpub does not convert."""
    config = CONFIGS.get((source, target))
    if config is None:
        pairs = ", ".join(f"{a} -> {b}" for a, b in CONFIGS)
        raise CatalogError("--from", 1, f"cannot convert {source} to {target} (szpub converts {pairs})")
    return config


@cache
def _converter(config: str) -> object:
    import opencc  # the C++ OpenCC's own bindings; imported late, only add-language --from needs them

    return opencc.OpenCC(config)


def convert_text(text: str, config: str, terms: Sequence[TermRule] = ()) -> tuple[str, bool]:
    """``text`` converted, the term list's entries (longest first) written in their target form.

    Returns the text and whether a term changed what OpenCC alone would have written.
    """
    convert = _converter(config).convert  # type: ignore[attr-defined]
    found = [rule for rule in sorted(terms, key=lambda rule: -len(rule.source)) if rule.source in text]
    for index, rule in enumerate(found):
        text = text.replace(rule.source, chr(_PLACEHOLDER + index))
    converted = plain = convert(text)
    for index, rule in enumerate(found):
        converted = converted.replace(chr(_PLACEHOLDER + index), rule.target)
        plain = plain.replace(chr(_PLACEHOLDER + index), convert(rule.source))
    return converted, converted != plain


def convert_catalog(source: Catalog, target: Catalog, config: str, terms: list[TermRule], note: str) -> tuple[int, int]:
    """Fills the untranslated messages of ``target`` from ``source``'s msgstrs, converted and marked fuzzy.

    Returns (converted, changed by the term list).
    """
    converted = by_terms = 0
    for message in target:
        if not message.id or message.string:
            continue  # the header, and what is already translated (a shipped interface catalog)
        origin = source.get(message.id, context=message.context)
        if origin is None or not origin.string:
            continue
        if isinstance(origin.string, str):
            message.string, changed = convert_text(origin.string, config, terms)
        else:
            pairs = [convert_text(str(string), config, terms) for string in origin.string]
            message.string, changed = tuple(text for text, _ in pairs), any(flag for _, flag in pairs)
        message.flags.add("fuzzy")
        if note not in message.auto_comments:
            message.auto_comments.append(note)
        converted += 1
        by_terms += changed
    return converted, by_terms


def conversion_note(source: str, config: str) -> str:
    """The ``#.`` comment of a converted message: reviewers remove the fuzzy flag, the note may stay."""
    return f"{NOTE_PREFIX} {source} by OpenCC {config}"


def load_terms(path: Path) -> list[TermRule]:
    """A term list (CSV: the source language's form, the target's, a note with its source); [] if absent."""
    if not path.is_file():
        return []
    rules = []
    with path.open(encoding="utf-8", newline="") as file:
        rows = csv.reader(file)
        header = next(rows, None)
        if not header or len(header) != 3 or header[2] != "note":
            raise CatalogError(path, 1, "the first row must name three columns: SOURCE_LANGUAGE,TARGET_LANGUAGE,note")
        for row in rows:
            if len(row) != 3 or not row[0].strip() or not row[1].strip():
                raise CatalogError(path, rows.line_num, "each row needs a source form, a target form and a note")
            rules.append(TermRule(row[0].strip(), row[1].strip(), row[2].strip()))
    return rules


def terms_path(locales: Path, language: str) -> Path:
    """The term list of a converted language, beside the glossary: ``locales/terms-zh_HK.csv``."""
    return locales / f"terms-{language}.csv"
