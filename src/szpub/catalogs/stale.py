"""Catalogs behind the source: messages of the current source that a language's catalogs lack."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog

from szpub.catalogs.extract import templates
from szpub.catalogs.pofiles import CatalogError, read_catalog
from szpub.core.project import Project


@dataclass(frozen=True)
class Missing:
    """A source message that a catalog does not have (or the catalog itself is missing or empty)."""

    catalog: str  # locales/<lang>/LC_MESSAGES/<name>.po, as users see it
    source: str  # where the message is written: docs/talent.md
    line: int
    msgid: str
    reason: str  # "not in the catalog" | "the catalog is missing" | "the catalog is empty"


def missing_messages(project: Project, language: str, found: dict[str, Catalog] | None = None) -> list[Missing]:
    """Every message of the current source that the language's catalogs lack, at its source line.

    A catalog that cannot be read is left out: ``check`` and ``build`` report it at its own line.
    """
    found = templates(project) if found is None else found
    folder = project.catalog_dir(language)
    missing: list[Missing] = []
    for name, template in found.items():
        path = folder / f"{name}.po"
        have, reason = _messages(path, language)
        if have is None:
            continue
        shown = project.relative(path)
        for message in template:
            if isinstance(message.id, str) and message.id and (message.id, message.context) not in have:
                source, line = (message.locations or [("", 0)])[0]
                missing.append(Missing(shown, source, line or 1, message.id, reason or "not in the catalog"))
    return missing


def _messages(path: Path, language: str) -> tuple[set[tuple[str, str | None]] | None, str]:
    """The catalog's (msgid, msgctxt) set and why it is empty, or (None, "") when it cannot be read."""
    if not path.is_file():
        return set(), "the catalog is missing"
    if path.stat().st_size == 0:
        return set(), "the catalog is empty"
    try:
        catalog = read_catalog(path, locale=language)
    except CatalogError:
        return None, ""
    return {(str(m.id), m.context) for m in catalog if m.id and isinstance(m.id, str)}, ""

