"""The release's metadata as translators see it: the publication catalog's messages and their lookup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

from szpub.core.markup import inert

CATALOG = "publication"  # conf.py's szpub_release: title, source, portal, subject
FIELDS = ("title", "source", "portal", "subject")
SOURCE_LINE = "Source: %(source)s"
# The byline's parts and separator are messages, so each language's translators own its convention:
# "Source: Shenzhen Daily · Updated: January 26, 2024, 10:01" / "来源：深圳日报　发布时间：2024年1月26日 10:01".
UPDATED_LINE = "Updated: %(date)s, %(time)s"
BYLINE = "%(source_line)s · %(updated_line)s"


def publication_messages(release: dict[str, str]) -> list[str]:
    """The msgids of the publication catalog, in a stable order."""
    return [*(release[name] for name in FIELDS if release.get(name)), SOURCE_LINE, UPDATED_LINE, BYLINE]


def translate(language: str, message: str, locales: Path) -> str:
    """``message`` from the language's publication catalog; itself when untranslated or fuzzy."""
    catalog = _publication_catalog(locales / language / "LC_MESSAGES" / f"{CATALOG}.po", language)
    entry = catalog.get(message) if catalog else None
    if entry is None or not entry.string or entry.fuzzy:
        return message
    if not inert(message, str(entry.string)):  # refused by szpub check and the build's guard: never shown
        return message
    return str(entry.string)


_catalogs: dict[tuple[Path, str], tuple[tuple[int, int], Any]] = {}


def _publication_catalog(po: Path, language: str) -> Any:
    """The catalog, read again whenever the file changed (a preview server runs for hours)."""
    try:
        stat = po.stat()
    except OSError:
        return None
    version = (stat.st_mtime_ns, stat.st_size)
    cached = _catalogs.get((po, language))
    if cached is None or cached[0] != version:
        with po.open("rb") as file:
            cached = (version, read_po(file, locale=language))
        _catalogs[(po, language)] = cached
    return cached[1]
