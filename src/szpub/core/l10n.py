"""Language tags and locale-aware formatting of numbers and dates (Babel/CLDR)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton
from babel.numbers import format_compact_decimal, format_decimal, format_percent

from szpub.core.errors import SzpubError

# Numbers the release writes as words, in the languages whose newsrooms do the same; the others
# (Chinese among them: GB/T 15835 writes statistical counts in Arabic numerals) use digits.
_NUMBER_WORDS = {
    "en": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"],
}


def bcp47(language: str) -> str:
    """Sphinx's language code as a BCP 47 tag: ``zh_CN`` -> ``zh-CN``."""
    return language.replace("_", "-")


def folder_name(language: str) -> str:
    """The published folder of a language: its lowercase BCP 47 tag (``zh-cn``)."""
    return bcp47(language).lower()


# Browser tags a published Chinese edition also serves, by its script: a reader in Taipei or Macao reads the
# Hong Kong edition sooner than the Simplified one, a reader in Singapore the Simplified one.
_SCRIPT_TAGS = {
    "Hant": ("zh-hant", "zh-hk", "zh-tw", "zh-mo"),
    "Hans": ("zh-hans", "zh-cn", "zh-sg", "zh-my"),
}


def browser_tags(language: str) -> list[str]:
    """The lowercase browser language tags that prefer this language over others of its primary language.

    The root page tries them after an exact match and before the primary language alone (``zh``).
    """
    locale = parse_locale(language.replace("-", "_"))  # a Sphinx code or a BCP 47 tag
    script = locale.script or _likely_script(locale)
    own = bcp47(language).lower()
    return [own, *(tag for tag in _SCRIPT_TAGS.get(script or "", ()) if tag != own)]


def _likely_script(locale: Locale) -> str | None:
    """CLDR's likely script of a locale without one: ``zh_HK`` -> Hant, ``zh_CN`` -> Hans."""
    from babel.core import get_global

    key = f"{locale.language}_{locale.territory}" if locale.territory else locale.language
    likely = get_global("likely_subtags").get(key)
    return Locale.parse(likely).script if likely else None


def parse_locale(language: str) -> Locale:
    """Babel's locale for a Sphinx language code; ValueError for an unknown one."""
    try:
        return Locale.parse(language)
    except (UnknownLocaleError, ValueError) as err:
        raise SzpubError(f"unknown language {language!r}: {err}") from None


def self_name(language: str) -> str:
    """The language's name in itself, as a language switcher shows it."""
    locale = parse_locale(language)
    if locale.language == "zh":
        return "繁體中文" if (locale.script or _likely_script(locale)) == "Hant" else "简体中文"
    return (locale.languages.get(locale.language) or language).capitalize()


def word_source(language: str) -> str | None:
    """The language whose catalogs this language's search index takes words from, None for most.

    Traditional Chinese: jieba's dictionary is Simplified, so the words jieba finds in the zh_CN
    catalogs are converted and taught to it (``sphinx_ext/words.py``). Those catalogs are then an
    input of the Traditional HTML, and a change in them rebuilds it.
    """
    if parse_locale(language).language == "zh" and self_name(language) == "繁體中文":
        return "zh_CN"
    return None


# The fewest integer digits that get a group separator, where a newsroom's style differs from CLDR's
# (which groups from four digits in zh): Chinese newspapers write 8002家 but 12,345 and 1.2万.
# conf.py's szpub_number_style overrides it per language: {"zh_CN": {"min_grouping_digits": 4}}.
_MIN_GROUPING_DIGITS = {"zh": 5}


def min_grouping_digits(language: str, styles: Mapping[str, Mapping[str, int]] | None = None) -> int:
    """How many integer digits a number needs before it is grouped (``szpub_number_style``, then the default)."""
    configured = (styles or {}).get(language, {}).get("min_grouping_digits")
    if isinstance(configured, int) and not isinstance(configured, bool):
        return configured
    return _MIN_GROUPING_DIGITS.get(parse_locale(language).language, 4)


def format_number(value: float | int, language: str, *, words: bool = False, grouping_from: int | None = None) -> str:
    """A count, decimal or amount as the reader's locale writes it (``8,002``, ``1.2 million``, ``8002``).

    ``grouping_from``: the fewest integer digits that get a separator (see min_grouping_digits).
    """
    locale = parse_locale(language)
    names = _NUMBER_WORDS.get(locale.language)
    if words and names and isinstance(value, int) and 0 <= value < len(names):
        return names[value]
    if abs(value) >= 1_000_000:
        # "1.2 million" / "120万", as releases write large round numbers, but only where exact
        compact = format_compact_decimal(value, format_type="long", locale=locale, fraction_digits=2)
        if compact == format_compact_decimal(value, format_type="long", locale=locale, fraction_digits=9):
            return compact
    digits = len(str(int(abs(value))))
    grouped = digits >= (grouping_from if grouping_from is not None else min_grouping_digits(language))
    return format_decimal(value, locale=locale, group_separator=grouped)


def format_percentage(value: float | int, language: str) -> str:
    """A percentage given as written (``86.6`` for 86.6%), in the reader's locale."""
    fraction = Decimal(str(value)) / 100
    return format_percent(fraction, "#,##0.###%", locale=parse_locale(language))


def format_long_date(date: dt.date, language: str) -> str:
    """``January 26, 2024`` / ``2024年1月26日``."""
    return format_date(date, "long", locale=parse_locale(language))


def format_time(moment: dt.datetime, language: str) -> str:
    """The clock time as the locale writes it on a 24-hour clock, in the moment's own zone: ``10:01``."""
    return format_skeleton("Hm", moment, locale=parse_locale(language))


def format_period(period: str, language: str) -> str:
    """A period ``YYYY`` or ``YYYY-MM`` as the reader's locale writes it; ``""`` (not stated) stays empty."""
    if not period:
        return ""
    year, _, month = period.partition("-")
    skeleton = "yMMMM" if month else "y"
    date = dt.date(int(year), int(month or 1), 1)
    return format_skeleton(skeleton, date, locale=parse_locale(language))
