"""Translators' catalogs: extract the messages, merge them into every language (update), count (stat)."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel import Locale
from babel.messages.catalog import Catalog, Message

from szpub.catalogs import convert
from szpub.catalogs.extract import INTERFACE, PACKAGE, annotate, templates
from szpub.catalogs.extract import UpdateError as UpdateError  # re-exported: ingest catches it
from szpub.catalogs.pofiles import PoCatalog, read_catalog, render_catalog, write_catalog
from szpub.catalogs.stale import missing_messages
from szpub.core import l10n
from szpub.core.conffile import add_to_list
from szpub.core.errors import SzpubError
from szpub.core.markup import CJK, ROLE
from szpub.core.project import Project
from szpub.core.release import CATALOG as PUBLICATION

if TYPE_CHECKING:
    from szpub.catalogs.memory import Memory

SHIPPED_LOCALES = PACKAGE / "sphinx_ext" / "locale"  # szpub's own interface strings, translated
# A changed message keeps its old translation (fuzzy) when this much of its words is unchanged.
SIMILARITY = 0.6
# The `#.` note on a message prefilled from a translation memory (catalogs/memory.py); merge keeps it.
MEMORY_NOTE = "memory: "
_ORIGIN_NOTES = (MEMORY_NOTE, f"{convert.NOTE_PREFIX} ")  # where a translation came from: kept by update
_TOKEN = re.compile(r"\w+|[^\w\s]")


@dataclass
class CatalogUpdate:
    """What ``update`` did to one .po file."""

    path: str
    status: str  # created | updated | unchanged
    added: int = 0
    reused: int = 0
    fuzzy: int = 0
    obsolete: int = 0
    memory: int = 0  # prefilled from a translation memory (translated or fuzzy)


@dataclass
class UpdateResult:
    catalogs: list[CatalogUpdate] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for catalog in self.catalogs if catalog.status == status)


def catalog_dir(project: Project, language: str) -> Path:
    return project.catalog_dir(language)


def relative(project: Project, path: Path) -> str:
    """A path as users see it in messages: relative to the publication."""
    return project.relative(path)


def is_document_catalog(name: str) -> bool:
    return name not in (PUBLICATION, INTERFACE)


# -- merging ------------------------------------------------------------------------------------------------


def similarity(old: str, new: str) -> float:
    """How much of two messages' words agree (0..1).

    Compares word tokens, not characters, without difflib's autojunk: Babel's character matcher treats the
    common letters of a long paragraph as junk and so misses a one-word edit.
    """
    a, b = _TOKEN.findall(old.lower()), _TOKEN.findall(new.lower())
    if not a or not b:
        return 0.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _best_match(msgid: str, pool: list[Message]) -> Message | None:
    best, score = None, SIMILARITY
    for candidate in pool:
        value = similarity(str(candidate.id), msgid)
        if value >= score:
            best, score = candidate, value
    return best


def _key(message: Message) -> Any:
    return (message.id, message.context) if message.context else message.id


def merge(
    old: Catalog | None, template: Catalog, new: Catalog, elsewhere: dict[Any, str] | None = None
) -> CatalogUpdate:
    """Fills ``new`` with the template's messages, carrying the translations of ``old`` over.

    A changed message takes the closest old translation, marked fuzzy; a message that went away becomes
    obsolete (``#~``); obsolete entries are kept, or brought back when their message returns. A message
    new to this catalog but translated in another of the language's catalogs (``elsewhere``: a paragraph
    moved to another page) takes that translation.
    """
    # "is not None": a Catalog with only obsolete entries has len() 0, so it is falsy (a removed page's catalog)
    active = {_key(m): m for m in old if m.id} if old is not None else {}
    obsolete = dict(old.obsolete) if old is not None else {}
    wanted = {_key(m) for m in template if m.id}
    pool = [
        m
        for m in (*active.values(), *obsolete.values())
        if m.string and _key(m) not in wanted and isinstance(m.id, str)
    ]
    result = CatalogUpdate("", "")
    used: set[Any] = set()
    for message in template:
        if not message.id:
            continue
        previous = active.get(_key(message)) or obsolete.get(_key(message))
        entry = Message(
            message.id, "", locations=message.locations, auto_comments=message.auto_comments, context=message.context
        )
        if previous is not None:
            entry.string, entry.user_comments = previous.string, previous.user_comments
            entry.flags |= previous.flags & {"fuzzy"}
            entry.previous_id = previous.previous_id if previous.fuzzy else []
        elif elsewhere and _key(message) in elsewhere:
            entry.string = elsewhere[_key(message)]
            result.reused += 1
        elif (match := _best_match(str(message.id), pool)) is not None:
            entry.string, entry.user_comments, entry.previous_id = match.string, match.user_comments, [str(match.id)]
            entry.flags.add("fuzzy")
            used.add(_key(match))
            result.fuzzy += 1
        else:
            result.added += 1
        new[message.id] = entry
    for key, message in obsolete.items():
        if key not in wanted:
            new.obsolete[key] = message
    for key, message in active.items():
        if key not in wanted and key not in used:
            message.locations = []
            new.obsolete[key] = message
            result.obsolete += 1
    return result


def _new_catalog(project: Project, language: str, name: str, old: Catalog | None) -> PoCatalog:
    """An empty catalog with the header szpub writes; the translators' header fields and comment are kept."""
    locale = Locale.parse(language)
    catalog = PoCatalog(
        locale=language,  # as written (zh_CN): Babel's own identifier would be zh_Hans_CN
        project=project.slug,
        version=(project.updated or "")[:10] or "1",
        fuzzy=False,
        header_comment=_header_comment(project, locale, name),
        charset="utf-8",
        headers=old.headers if isinstance(old, PoCatalog) else None,
    )
    if old is not None:
        if not any(mark in old.header_comment for mark in _PLACEHOLDERS):  # a template's comment gives way to ours
            catalog.header_comment = old.header_comment
        catalog.creation_date = old.creation_date
    else:  # as msginit starts one: revised now, by nobody yet
        catalog.language_team = locale.get_display_name("en") or language
        catalog.revision_date, catalog.last_translator = catalog.creation_date, ""
    return catalog


_PLACEHOLDERS = ("SOME DESCRIPTIVE TITLE", "FIRST AUTHOR", "EMAIL@ADDRESS")  # Babel's and xgettext's template


def _header_comment(project: Project, locale: Locale, name: str) -> str:
    language = locale.get_display_name("en")
    return (
        f'# {language} translation of "{project.title}": the {name} catalog.\n'
        "# Kept up to date by `szpub update`; translators edit the msgstr lines (see the translators' guide)."
    )


# -- update -------------------------------------------------------------------------------------------------


def update_catalogs(
    project: Project, languages: list[str] | None = None, memory: Memory | None = None
) -> UpdateResult:
    """Brings every language's catalogs up to date with the sources; writes nothing if a catalog is broken."""
    languages = languages if languages is not None else list(project.target_languages)
    olds = {language: read_language(project, language) for language in languages}  # CatalogError before any write
    found = templates(project)
    planned: list[tuple[Path, bytes, CatalogUpdate]] = []
    for language in languages:
        names = sorted(set(found) | set(olds[language]), key=_catalog_order)
        elsewhere = _translations(olds[language].values())
        for name in names:
            path = catalog_dir(project, language) / f"{name}.po"
            old, template = olds[language].get(name), found.get(name, Catalog())
            planned.append(_update_one(project, language, name, old, template, path, elsewhere, memory))
    result = UpdateResult()
    for path, data, update in planned:
        changed = write_catalog(path, data)
        if update.status != "created":
            update.status = "updated" if changed else "unchanged"
        result.catalogs.append(update)
    return result


def _catalog_order(name: str) -> tuple[int, str]:
    return (name in (PUBLICATION, INTERFACE), name)


def _translations(catalogs: Any) -> dict[Any, str]:
    """Every reviewed translation of a language's catalogs (active or obsolete), by message."""
    found: dict[Any, str] = {}
    for catalog in catalogs:
        for message in [*catalog, *catalog.obsolete.values()]:
            if message.id and message.string and not message.fuzzy:
                found.setdefault(_key(message), message.string)
    return found


def _update_one(
    project: Project,
    language: str,
    name: str,
    old: Catalog | None,
    template: Catalog,
    path: Path,
    elsewhere: dict[Any, str],
    memory: Memory | None = None,
) -> tuple[Path, bytes, CatalogUpdate]:
    new = _new_catalog(project, language, name, old)
    update = merge(old, template, new, elsewhere)
    annotate(new, project, language)  # what each role and placeholder shows in this language
    _keep_memory_notes(old, new)
    if memory is not None:  # after the merge: only what is still untranslated
        update.memory = sum(memory.prefill(new, language))
    update.path, update.status = relative(project, path), "created" if old is None else ""
    python_format = not is_document_catalog(name)
    data = render_catalog(new, python_format=python_format)
    if old is not None:
        before = _new_catalog(project, language, name, old)
        for message in old:
            if message.id:
                before[message.id] = message
        before.obsolete.update(old.obsolete)
        if render_catalog(before, python_format=python_format) != data:  # the messages changed
            new.creation_date = datetime.now(UTC).replace(second=0, microsecond=0)
            data = render_catalog(new, python_format=python_format)
    return path, data, update


def _keep_memory_notes(old: Catalog | None, new: Catalog) -> None:
    """A translation prefilled from a memory, or converted from another language, keeps its ``#.`` note
    saying where it came from (``memory: …``, ``converted from …``), last, while it stays."""
    for message in old or ():
        entry = new.get(message.id, message.context) if message.id else None
        if entry is not None and entry.string == message.string:
            notes = [c for c in message.auto_comments if c.startswith(_ORIGIN_NOTES) and c not in entry.auto_comments]
            entry.auto_comments = [*entry.auto_comments, *notes]


def read_language(project: Project, language: str) -> dict[str, PoCatalog]:
    """A language's catalogs by name; CatalogError naming file and line for the first broken one."""
    folder = catalog_dir(project, language)
    found: dict[str, PoCatalog] = {}
    for path in sorted(folder.rglob("*.po")) if folder.is_dir() else []:
        name = path.relative_to(folder).with_suffix("").as_posix()
        found[name] = read_catalog(path, locale=language, shown=relative(project, path))
    return found


# -- statistics ---------------------------------------------------------------------------------------------

_WORD = re.compile(r"\w+")


@dataclass
class CatalogStat:
    """Messages and words of one catalog by state; ``target`` counts the translations (characters for CJK)."""

    path: str
    language: str
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    words: dict[str, int] = field(default_factory=lambda: {"translated": 0, "fuzzy": 0, "untranslated": 0})
    target: int = 0
    target_unit: str = "words"
    memory: int = 0  # messages (translated or fuzzy) whose translation a translation memory prefilled
    missing: int = 0  # messages of the current source the catalog lacks (counted as untranslated): run update

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0

    def add(self, other: CatalogStat) -> None:
        self.translated += other.translated
        self.fuzzy += other.fuzzy
        self.untranslated += other.untranslated
        self.target += other.target
        self.memory += other.memory
        self.missing += other.missing
        for state, count in other.words.items():
            self.words[state] += count


def count_words(text: str) -> int:
    """Words of a message; each figure (role) is one word, each CJK character is one."""
    text = ROLE.sub(" x ", text)
    cjk = len(CJK.findall(text))
    return cjk + len(_WORD.findall(CJK.sub(" ", text)))


def uses_characters(language: str) -> bool:
    return Locale.parse(language).language in ("zh", "ja", "ko")


def catalog_stat(path: str, language: str, catalog: Catalog) -> CatalogStat:
    stat = CatalogStat(path, language, target_unit="characters" if uses_characters(language) else "words")
    for message in catalog:
        if not message.id or not isinstance(message.id, str):
            continue
        state = "fuzzy" if message.fuzzy and message.string else "translated" if message.string else "untranslated"
        setattr(stat, state, getattr(stat, state) + 1)
        stat.words[state] += count_words(message.id)
        stat.memory += state != "untranslated" and any(c.startswith(MEMORY_NOTE) for c in message.auto_comments)
        if state == "translated":
            stat.target += count_words(str(message.string))
    return stat


def stat_catalogs(project: Project, languages: list[str] | None = None) -> list[CatalogStat]:
    """Statistics of every catalog of the languages (all target languages by default), against the source.

    A message of the current source that a catalog lacks (not updated since the source changed, or the
    catalog missing or empty) counts as untranslated; a catalog's messages the source no longer has do not count.
    """
    found = templates(project)
    stats = []
    for language in languages if languages is not None else project.target_languages:
        folder = catalog_dir(project, language)
        catalogs = read_language(project, language)
        missing: Counter[str] = Counter()
        words: Counter[str] = Counter()
        for item in missing_messages(project, language, found):
            missing[item.catalog] += 1
            words[item.catalog] += count_words(item.msgid)
        for name in sorted(set(catalogs) | set(found), key=_catalog_order):
            path = relative(project, folder / f"{name}.po")
            catalog = catalogs.get(name, Catalog())
            if name in found:
                wanted = {_key(m) for m in found[name] if m.id}
                catalog = _only(catalog, wanted)
            stat = catalog_stat(path, language, catalog)
            stat.missing, stat.untranslated = missing[path], stat.untranslated + missing[path]
            stat.words["untranslated"] += words[path]
            stats.append(stat)
    return stats


def _only(catalog: Catalog, keys: set[Any]) -> Catalog:
    """A copy of the catalog with only the messages whose key is in ``keys``."""
    kept = Catalog(locale=catalog.locale, fuzzy=False)
    for message in catalog:
        if message.id and _key(message) in keys:
            kept[message.id] = message
    return kept


# -- languages ----------------------------------------------------------------------------------------------


def normalize_language(language: str) -> str:
    """Sphinx's code of a Babel locale (``zh-tw`` -> ``zh_TW``); ValueError if Babel does not know it."""
    parts = language.replace("-", "_").split("_")
    code = "_".join([parts[0].lower(), *(_subtag(part) for part in parts[1:])])
    l10n.parse_locale(code)
    return code


def _subtag(part: str) -> str:
    return part.title() if len(part) == 4 else part.upper() if len(part) == 2 else part


@dataclass
class AddLanguageResult:
    language: str
    configured: bool  # conf.py's szpub_languages was changed
    catalogs: UpdateResult
    conversion: convert.ConversionResult | None = None  # add-language --from
    interface: str = ""  # the shipped sphinx.po the new one started from


def add_language(project: Project, language: str, from_language: str | None = None) -> AddLanguageResult:
    """Creates the language's catalogs and adds it to conf.py's ``szpub_languages``.

    The interface catalog starts from the one szpub ships for the language; with ``from_language``, every
    other message is that language's translation converted (OpenCC), marked fuzzy until reviewed.
    """
    code = normalize_language(language)
    if code == project.source_language:
        raise SzpubError(f"{code} is the source language; it needs no catalogs")
    source = normalize_language(from_language) if from_language else None
    if source is not None and source not in project.target_languages:
        raise SzpubError(f"--from {source}: not a translated language of this publication")
    config = convert.config_for(source, code) if source else ""  # errors before anything is written
    terms = convert.load_terms(convert.terms_path(project.locales, code)) if source else []
    conf = project.root / "conf.py"
    text = conf.read_text(encoding="utf-8")
    new_text = add_to_list(text, "szpub_languages", code, default=list(project.languages))  # ValueError before writing
    interface = _seed_interface(project, code)
    catalogs = update_catalogs(project, [code])
    conversion = _convert_language(project, source, code, config, terms) if source else None
    if new_text != text:
        conf.write_text(new_text, encoding="utf-8")
    return AddLanguageResult(code, new_text != text, catalogs, conversion, interface)


def shipped_interface(language: str) -> Path | None:
    """The interface catalog szpub ships for a language (or for its primary language: ``ja_JP`` -> ``ja``)."""
    for name in dict.fromkeys([language, language.split("_")[0]]):
        path = SHIPPED_LOCALES / name / "LC_MESSAGES" / f"{INTERFACE}.po"
        if path.is_file():
            return path
    return None


def _seed_interface(project: Project, language: str) -> str:
    """Copies the shipped interface catalog into a language that has none yet; its path, or ''."""
    shipped = shipped_interface(language)
    target = catalog_dir(project, language) / f"{INTERFACE}.po"
    if shipped is None or target.exists():
        return ""
    write_catalog(target, shipped.read_bytes())
    return shipped.relative_to(PACKAGE.parent).as_posix()


def _convert_language(
    project: Project, source: str, target: str, config: str, terms: list[convert.TermRule]
) -> convert.ConversionResult:
    """Fills the untranslated messages of ``target`` with ``source``'s, converted; fuzzy with a note."""
    result = convert.ConversionResult(config)
    note = convert.conversion_note(source, config)
    originals = read_language(project, source)
    for name, catalog in read_language(project, target).items():
        if name not in originals:
            continue
        converted, by_terms = convert.convert_catalog(originals[name], catalog, config, terms, note)
        if converted:
            path = catalog_dir(project, target) / f"{name}.po"
            write_catalog(path, render_catalog(catalog, python_format=not is_document_catalog(name)))
            result.catalogs.append(relative(project, path))
        result.converted += converted
        result.by_terms += by_terms
    return result
