"""A translation memory: other publications' catalogs prefill a new one (``msgmerge --compendium``, role-aware)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from szpub.catalogs.checks import GLOSSARY, load_glossary
from szpub.catalogs.update import MEMORY_NOTE, read_language, similarity
from szpub.core.errors import SzpubError
from szpub.core.markup import FIGURE_ROLES, ROLE
from szpub.core.project import find_project

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

    from szpub.core.project import Project

# A message is prefilled as fuzzy from the closest memory message whose words agree this much (the word-token
# similarity of `szpub update`, each figure role one token). Higher than update's 0.6: a memory is another
# release. Measured on the six tests/data/releases/szgov-* releases with the seed as memory (commit of this
# note): at 0.6, 45 fuzzy prefills, nearly all an appendix value "{fact-value}`x` UNIT" offered the seed's bare
# percentage; at 0.75, 2 ("more than {fact-value}`x` enterprises" from "more than {fact-value}`national_share`").
# Exact matches: 215 of 381 messages (the site's strings, appendix headings, fixed publication strings) either way.
FUZZY_THRESHOLD = 0.75


def normalize(msgid: str) -> tuple[str, tuple[str, ...]]:
    """The message with every figure role's id blanked, and the ids in order."""
    ids: list[str] = []

    def blank(match: object) -> str:
        assert hasattr(match, "group")
        name, target = match.group("name"), match.group("target")
        if name not in FIGURE_ROLES:
            return str(match.group(0))
        ids.append(target)
        return f"{{{name}}}`#`"

    return ROLE.sub(blank, msgid), tuple(ids)


def substitute(msgstr: str, old_ids: tuple[str, ...], new_ids: tuple[str, ...]) -> str | None:
    """``msgstr`` with the memory's figure ids replaced by the new message's, position by position.

    None when one old id stands for two new ones (the translation cannot say which is which).
    """
    mapping: dict[str, str] = {}
    for old, new in zip(old_ids, new_ids, strict=False):
        if mapping.setdefault(old, new) != new:
            return None

    def replace(match: object) -> str:
        assert hasattr(match, "group")
        name, target = match.group("name"), match.group("target")
        if name in FIGURE_ROLES and target in mapping:
            return f"{{{name}}}`{mapping[target]}`"
        return str(match.group(0))

    return ROLE.sub(replace, msgstr)


@dataclass(frozen=True)
class Remembered:
    """One reviewed translation of a memory: where it comes from, its msgid and its figure ids."""

    msgid: str
    msgstr: str
    ids: tuple[str, ...]
    origin: str  # "PUB/locales/zh_CN/LC_MESSAGES/index.po", as the user named PUB


@dataclass
class Memory:
    """Every reviewed translation of the memory publications, by language and by normalised msgid."""

    folders: tuple[Path, ...]
    exact: dict[str, dict[str, Remembered]] = field(default_factory=dict)  # language -> normalised msgid -> entry

    def prefill(self, catalog: Catalog, language: str) -> tuple[int, int]:
        """Fills the untranslated messages of ``catalog`` that the memory knows; (translated, fuzzy) counts."""
        known = self.exact.get(language, {})
        translated = fuzzy = 0
        for message in catalog:
            if not message.id or message.string or not isinstance(message.id, str):
                continue
            text, ids = normalize(message.id)
            found = known.get(text)
            if found is None and (found := _closest(text, known)) is not None:
                message.flags.add("fuzzy")
                message.previous_id = [found.msgid]
                fuzzy += 1
            elif found is None:
                continue
            else:
                translated += 1
            message.string = substitute(found.msgstr, found.ids, ids) or found.msgstr
            if message.string == found.msgstr and found.ids != ids and found.ids:
                message.flags.add("fuzzy")  # ids that could not be carried over: a translator decides
            message.auto_comments = [*message.auto_comments, f"{MEMORY_NOTE}{found.origin}"]
        return translated, fuzzy


def _closest(text: str, known: dict[str, Remembered]) -> Remembered | None:
    best, score = None, FUZZY_THRESHOLD
    words = _one_token_per_role(text)
    for candidate, entry in known.items():
        value = similarity(_one_token_per_role(candidate), words)
        if value >= score:
            best, score = entry, value
    return best


def _one_token_per_role(text: str) -> str:
    """A role counts as one word: its braces and backquotes would make two value-only messages look alike."""
    return ROLE.sub(" \u2063 ", text)


def load_memory(folders: list[Path], languages: list[str]) -> Memory:
    """The reviewed (translated, not fuzzy) messages of each publication's catalogs; the first folder wins."""
    memory = Memory(tuple(folders))
    for folder in folders:
        project = _project(folder)
        for language in languages:
            known = memory.exact.setdefault(language, {})
            catalogs = read_language(project, language)
            for name, catalog in sorted(catalogs.items(), key=lambda item: _memory_order(item[0])):
                origin = _shown(folder, project, project.catalog_dir(language) / f"{name}.po")
                for message in catalog:
                    if not message.id or not message.string or message.fuzzy or not isinstance(message.id, str):
                        continue
                    text, ids = normalize(message.id)
                    known.setdefault(text, Remembered(message.id, str(message.string), ids, origin))
    return memory


def _project(folder: Path) -> Project:
    try:
        return find_project(folder.resolve())  # conf.py computes locale_dirs from __file__: keep it absolute
    except SzpubError as err:
        raise SzpubError(f"--memory {folder}: not a publication ({err.problem})", folder) from None


def _memory_order(name: str) -> tuple[int, str]:
    return (name not in ("sphinx", "publication", "appendix"), name)  # the site's own strings first


def _shown(folder: Path, project: Project, path: Path) -> str:
    return f"{folder.as_posix().rstrip('/')}/{project.relative(path)}"


# -- the glossary -------------------------------------------------------------------------------------------


def merge_glossaries(project: Project, memory: Memory) -> int:
    """Adds the memory's glossary terms that ``project``'s glossary lacks; the number of terms added."""
    target = project.locales / GLOSSARY
    columns, rows = _read_csv(target)
    columns = columns or ["en"]
    known = {row.get("en", "").strip().lower() for row in rows}
    added = 0
    for folder in memory.folders:
        source = _project(folder).locales / GLOSSARY
        load_glossary(source)  # CatalogError (file:line) for a malformed memory glossary, before writing
        header, terms = _read_csv(source)
        columns += [name for name in header if name not in columns]
        for term in terms:
            if term["en"].strip().lower() not in known:
                known.add(term["en"].strip().lower())
                rows.append(term)
                added += 1
    if added:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_csv(columns, rows), encoding="utf-8")
    return added


def _read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    if not path.is_file():
        return [], []
    with path.open(encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file)
        return list(reader.fieldnames or []), list(reader)


def _csv(columns: list[str], rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: row.get(name) or "" for name in columns})
    return buffer.getvalue()
