"""CAT tools' formats (translate-toolkit): one XLIFF of a language's catalogs out and back in, checked; TMX out."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree
from translate.storage import tmx, xliff

from szpub.catalogs.checks import GLOSSARY, Context, Finding, check_catalog, load_glossary
from szpub.catalogs.pofiles import render_catalog, write_catalog
from szpub.catalogs.update import is_document_catalog, read_language
from szpub.core import l10n
from szpub.core.errors import SzpubError
from szpub.core.figures import FiguresError, load_figures

if TYPE_CHECKING:
    from collections.abc import Mapping

    from babel.messages.catalog import Catalog, Message

    from szpub.core.project import Project

# A target in one of these states comes back fuzzy; any other (translated, final, signed-off, none) translated.
_REVIEW_STATES = frozenset(state for state in xliff.xliffunit.statemap if state.startswith("needs-"))
_MSGCTXT = "x-po-msgctxt"  # the context-type that carries a message's msgctxt (as translate-toolkit's po2xliff)


class XliffError(SzpubError):
    """An XLIFF file that cannot be imported; ``str()`` is ``FILE.xlf:LINE: what is wrong`` (one line each)."""


def unit_id(message: Message) -> str:
    """A message's id in the XLIFF: stable while its msgctxt and msgid stay the same."""
    key = f"{message.context or ''}\x04{message.id}".encode()
    return hashlib.sha256(key).hexdigest()[:16]


def _messages(catalog: Catalog) -> list[Message]:
    return [m for m in catalog if m.id and isinstance(m.id, str)]


# -- export -------------------------------------------------------------------------------------------------


def export_xliff(project: Project, language: str) -> bytes:
    """Every catalog of ``language`` as one XLIFF file: a ``<file>`` per catalog, notes, locations, states."""
    source, target = l10n.bcp47(project.source_language), l10n.bcp47(language)
    store: xliff.xlifffile = xliff.xlifffile(sourcelanguage=source, targetlanguage=target)
    for name, catalog in read_language(project, language).items():
        for message in _messages(catalog):
            unit = store.addsourceunit(message.id, filename=f"{name}.po", createifmissing=True)
            unit.setid(unit_id(message))
            _describe(unit, message)
    return bytes(store)


def _describe(unit: xliff.xliffunit, message: Message) -> None:
    if message.context:
        unit.createcontextgroup("po-entry", [(_MSGCTXT, message.context)], purpose="information")
    for path, line in message.locations:
        unit.addlocation(f"{path}:{line}" if line else path)
    for note in message.auto_comments:
        unit.addnote(note, origin="developer")
    for note in message.user_comments:
        unit.addnote(note, origin="translator")
    if message.string:
        unit.target = str(message.string)
        unit.markapproved(not message.fuzzy)
        unit.set_state_n(unit.S_NEEDS_REVIEW if message.fuzzy else unit.S_TRANSLATED)


def export_tmx(project: Project, language: str) -> bytes:
    """The reviewed translations of ``language`` (not fuzzy) as a TMX memory, each pair once."""
    store = tmx.tmxfile(sourcelanguage=l10n.bcp47(project.source_language))
    seen: set[tuple[str, str]] = set()
    for catalog in read_language(project, language).values():
        for message in _messages(catalog):
            pair = (str(message.id), str(message.string or ""))
            if pair[1] and not message.fuzzy and pair not in seen:
                seen.add(pair)
                store.addtranslation(pair[0], l10n.bcp47(project.source_language), pair[1], l10n.bcp47(language))
    return bytes(store)


# -- import -------------------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What ``szpub xliff import`` did: the language, the units read, the catalogs it changed."""

    language: str
    units: int = 0
    changed: dict[str, int] = field(default_factory=dict)  # catalog path -> messages changed


def import_xliff(project: Project, path: Path) -> ImportResult:
    """Merges the targets of ``path`` into the catalogs, or raises XliffError and writes nothing."""
    store = _parse(path)
    language = _language(project, path, store)
    catalogs = read_language(project, language)
    result = ImportResult(language)
    changed: dict[str, list[Message]] = {}
    for unit in store.unit_iter():
        result.units += 1
        name, message = _message(path, unit, catalogs)
        if _merge(unit, message):
            message.lineno = unit.xmlelement.sourceline or 0  # the checks report the XLIFF's line
            changed.setdefault(name, []).append(message)
    _check(project, path, language, changed)
    folder = project.catalog_dir(language)
    for name in changed:
        data = render_catalog(catalogs[name], python_format=not is_document_catalog(name))
        write_catalog(folder / f"{name}.po", data)
        result.changed[project.relative(folder / f"{name}.po")] = len(changed[name])
    return result


def _parse(path: Path) -> xliff.xlifffile:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise XliffError(f"cannot read: {err.strerror}", path) from None
    try:
        return xliff.xlifffile.parsestring(data)
    except etree.XMLSyntaxError as err:
        raise XliffError(f"not well-formed XML: {err.msg}", path, err.lineno or 1) from None
    except Exception as err:  # translate-toolkit's own complaints (not XLIFF at all) carry no line
        raise XliffError(f"not an XLIFF file: {err}", path, 1) from None


def _language(project: Project, path: Path, store: xliff.xlifffile) -> str:
    tag = (store.gettargetlanguage() or "").replace("_", "-").lower()
    for language in project.target_languages:
        if l10n.bcp47(language).lower() == tag:
            return language
    line = store.document.getroot().sourceline or 1
    configured = ", ".join(l10n.bcp47(lang) for lang in project.target_languages)
    problem = f"target-language {tag or 'missing'!r} is not one of this publication's ({configured})"
    raise XliffError(problem, path, line)


def _message(path: Path, unit: xliff.xliffunit, catalogs: Mapping[str, Catalog]) -> tuple[str, Message]:
    """The catalog message a unit stands for; XliffError if the catalogs no longer have it as exported."""
    line = unit.xmlelement.sourceline or 1
    filename, _, identifier = str(unit.getid()).rpartition("\x04")
    name = filename.removesuffix(".po")
    catalog = catalogs.get(name)
    if catalog is None or not filename.endswith(".po"):
        raise XliffError(f"unit {identifier!r} belongs to {filename!r}, which is not a catalog here", path, line)
    message = next((m for m in _messages(catalog) if unit_id(m) == identifier), None)
    if message is None:
        raise XliffError(
            f"unit {identifier!r}: {filename} has no such message any more (the sources changed since the "
            "export: run szpub update, export again, and carry the translations over in the CAT tool)", path, line
        )
    if str(unit.source) != message.id:
        raise XliffError(f"unit {identifier!r}: its source is not the msgid of {filename} (edited?)", path, line)
    return name, message


def _merge(unit: xliff.xliffunit, message: Message) -> bool:
    """The unit's target and state into the message; True if that changed it."""
    target = str(unit.target or "")
    node = unit.getlanguageNode(lang=None, index=1)
    fuzzy = bool(target) and node is not None and node.get("state", "") in _REVIEW_STATES
    if (target, fuzzy) == (str(message.string or ""), bool(target) and message.fuzzy):
        return False
    message.string = target
    if fuzzy:
        message.flags.add("fuzzy")
    else:
        message.flags.discard("fuzzy")
        message.previous_id = []
    return True


def _check(project: Project, path: Path, language: str, changed: dict[str, list[Message]]) -> None:
    """Every check of ``szpub check`` over the imported targets; XliffError listing each error."""
    try:
        facts = load_figures(project.figures)
    except FiguresError:
        facts = None  # `szpub check` reports the figures file itself
    glossary = load_glossary(project.locales / GLOSSARY)
    findings: list[Finding] = []
    for name, messages in changed.items():
        context = Context(language, is_document_catalog(name), facts, glossary, name)
        findings += check_catalog(str(path), _only(messages), context, release=False)
    errors = [finding for finding in findings if finding.severity == "error"]
    if errors:
        first, *rest = errors
        details = "".join(f"\n{finding}" for finding in rest)
        problem = str(first).removeprefix(f"{first.path}:{first.line}: ")  # as `szpub check` words it
        raise XliffError(problem + details, path, first.line)


def _only(messages: list[Message]) -> Catalog:
    from babel.messages.catalog import Catalog

    catalog = Catalog()
    for message in messages:
        catalog[message.id] = message
    return catalog
