"""The messages to translate, from the sources (cached), and the context a translator reads beside them."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract

from szpub import __version__
from szpub.catalogs.pofiles import read_catalog
from szpub.core import l10n
from szpub.core.errors import SzpubError
from szpub.core.figures import Figure, FiguresError, load_figures
from szpub.core.markup import ROLE
from szpub.core.project import Project
from szpub.core.release import CATALOG as PUBLICATION
from szpub.core.release import publication_messages

INTERFACE = "sphinx"  # the theme's words; Sphinx reads this domain ahead of its own catalogs
PACKAGE = Path(__file__).parent.parent  # szpub: the theme and the Python code whose _() calls are extracted
# Sphinx's own words that the published pages show; the theme's _() calls are extracted from the templates.
SPHINX_MESSAGES = (
    "Please activate JavaScript to enable the search\n    functionality.",  # as basic/search.html writes it
    "Searching for multiple words only shows matches that contain\n    all words.",
    "search",
    "Search Results",
    "Searching",
    "Preparing search...",
    "Hide Search Matches",
    "Link to this heading",
    "Link to this table",
    "Table",
    "continued on next page",
    "Continued on next page",
    "Page",
)
# An author's note to translators in a MyST page: a comment line just before a paragraph or heading.
NOTE = re.compile(r"^\s*%\s*TRANSLATORS:\s*(?P<text>.*?)\s*$")
_COMMENT = re.compile(r"^\s*%\s?(?P<text>.*?)\s*$")
# What the interface's placeholders hold (a placeholder not listed here gets the generic sentence).
PLACEHOLDERS = {
    "percent": "the share of the page that is translated, e.g. 50%",
    "year": "the year of the release, e.g. 2024",
    "source": "the release's source (its translation in publication.po)",
    "date": "the release's date as your locale writes it, e.g. 2024年1月26日",
    "time": "the release's time of day in its own zone (Beijing time), e.g. 10:01",
    "source_line": "the translation of \"Source: %(source)s\"",
    "updated_line": "the translation of \"Updated: %(date)s, %(time)s\"",
}
_PLACEHOLDER = re.compile(r"%\((?P<name>\w+)\)[sd]")
_CACHE_FORMAT = 1  # bump when what is cached changes shape


class UpdateError(SzpubError):
    """Messages could not be extracted; the message carries Sphinx's output."""


# -- the templates, cached ----------------------------------------------------------------------------------


def templates(project: Project) -> dict[str, Catalog]:
    """Every catalog's messages in the source language, by catalog name (cached under ``_build/.szpub/``)."""
    folder = project.build_dir / ".szpub"
    cached = folder / f"templates-{source_key(project)}.json"
    if cached.is_file():
        try:
            return _load(cached)
        except (OSError, ValueError, KeyError, TypeError):
            pass  # a damaged cache is extracted again
    found = extract_templates(project)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("templates-*.json"):
        if old != cached:
            old.unlink(missing_ok=True)
    # a name of its own: two szpub commands of one publication may extract at the same time
    temporary = folder / f".{cached.name}.{os.getpid()}.{threading.get_ident()}.partial"
    temporary.write_text(json.dumps(_dump(found), ensure_ascii=False), encoding="utf-8")
    temporary.replace(cached)
    return found


def source_key(project: Project) -> str:
    """A hash of everything the templates are made of: conf.py, docs/, szpub's version and its own sources."""
    digest = hashlib.sha256(f"{_CACHE_FORMAT} {__version__}".encode())
    # relative names: a publication moved or copied elsewhere keeps its cache
    files = [(project.root, project.root / "conf.py")]
    files += [(project.root, p) for p in sorted(project.docs.rglob("*")) if p.is_file()]
    files += [(PACKAGE, p) for p in sorted(PACKAGE.rglob("*")) if p.suffix in (".py", ".html") and p.is_file()]
    for base, path in files:
        digest.update(path.relative_to(base).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def _dump(found: dict[str, Catalog]) -> dict[str, list[list[Any]]]:
    return {
        name: [[m.id, m.context, m.locations, m.auto_comments] for m in catalog if m.id]
        for name, catalog in found.items()
    }


def _load(path: Path) -> dict[str, Catalog]:
    found = {}
    for name, messages in json.loads(path.read_text(encoding="utf-8")).items():
        catalog = Catalog(fuzzy=False)
        for msgid, context, locations, comments in messages:
            locations = [(str(where), line) for where, line in locations]
            catalog.add(msgid, locations=locations, auto_comments=comments, context=context)
        found[name] = catalog
    return found


def extract_templates(project: Project) -> dict[str, Catalog]:
    """Extracts every catalog's messages: the pages (Sphinx's gettext builder), the release, the interface."""
    found = _document_templates(project, list(project.source_only))
    _locate_figures(project, found)
    _add_notes(project, found)
    found[PUBLICATION] = _catalog_of(
        (message, [("conf.py", None)]) for message in publication_messages(project.release)
    )
    found[INTERFACE] = _catalog_of(_interface_messages())
    return found


def _catalog_of(messages: Any) -> Catalog:
    catalog = Catalog(fuzzy=False)
    for message, locations in messages:
        if message in catalog:
            catalog[message].locations.extend(loc for loc in locations if loc not in catalog[message].locations)
        else:
            catalog.add(message, locations=list(locations))
    return catalog


def _document_templates(project: Project, source_only: list[str]) -> dict[str, Catalog]:
    """Runs Sphinx's gettext builder in the source language into a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="szpub-gettext-") as temp:
        out = Path(temp) / "pot"
        command = [
            sys.executable, "-m", "sphinx", "-b", "gettext", "-q", "-c", str(project.root),
            "-D", f"language={project.source_language}", "-D", "gettext_compact=0",
            "-d", str(Path(temp) / "doctrees"), str(project.docs), str(out),
        ]  # fmt: skip
        proc = subprocess.run(command, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise UpdateError("extracting the messages failed:\n" + (proc.stdout + proc.stderr).strip())
        found: dict[str, Catalog] = {}
        for pot in sorted(out.rglob("*.pot")):
            name = pot.relative_to(out).with_suffix("").as_posix()
            if name in (PUBLICATION, INTERFACE) or name in source_only:
                continue  # Sphinx's own template catalog (the interface catalog is built below); untranslated pages
            template = read_catalog(pot)
            for message in template:
                message.locations = [(project.relative((out / path).resolve()), n) for path, n in message.locations]
            found[name] = template
    return found


def _interface_messages() -> list[tuple[str, list[tuple[str, int | None]]]]:
    found: list[tuple[str, list[tuple[str, int | None]]]] = []
    theme = sorted((PACKAGE / "sphinx_ext" / "theme").rglob("*.html"))
    sources = [(path, "jinja2.ext:babel_extract") for path in theme]
    sources += [(path, "python") for path in sorted(PACKAGE.rglob("*.py"))]
    for path, method in sources:
        where = path.relative_to(PACKAGE.parent).as_posix()
        with path.open("rb") as file:
            for line, message, _comments, _context in extract(method, file, keywords={"_": None}):
                if isinstance(message, str) and message:
                    found.append((message, [(where, line)]))
    found += [(message, [("sphinx", None)]) for message in SPHINX_MESSAGES]
    return found


def _locate_figures(project: Project, found: dict[str, Catalog]) -> None:
    """The appendix's and chart's messages (a figure's label or phrase) point at the figure's line."""
    try:
        facts = load_figures(project.figures)
    except FiguresError:
        return  # the build reports it; the messages keep Sphinx's locations
    where = project.relative(project.figures)
    lines: dict[str, int] = {}
    for fact in facts.values():
        lines.setdefault(fact.label.replace("|", "\\|"), fact.line)  # as the appendix's table cell writes it
        lines.setdefault(fact.phrase(), fact.line)
    for catalog in found.values():
        for message in catalog:
            if isinstance(message.id, str) and message.id in lines:
                message.locations = [(where, lines[message.id])]


def _add_notes(project: Project, found: dict[str, Catalog]) -> None:
    """``% TRANSLATORS: ...`` just before a paragraph or heading becomes a ``#.`` comment of its message."""
    notes: dict[tuple[str, int], str] = {}
    for path in sorted(project.docs.rglob("*.md")):
        notes.update(((project.relative(path), line), text) for line, text in page_notes(path).items())
    for catalog in found.values():
        for message in catalog:
            for location in message.locations:
                note = notes.get((location[0], location[1] or 0))
                if note and note not in message.auto_comments:
                    message.auto_comments.append(note)


def page_notes(path: Path) -> dict[int, str]:
    """Line of the paragraph or heading -> the note before it (``TRANSLATORS: ...``, continued by ``%`` lines)."""
    found: dict[int, str] = {}
    note: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if match := NOTE.match(line):
            note = [match["text"]]
        elif note and (comment := _COMMENT.match(line)) and line.lstrip().startswith("%"):
            note.append(comment["text"])
        elif note and line.strip():
            found[number] = "TRANSLATORS: " + " ".join(part for part in note if part)
            note = []
        elif not line.strip():
            continue
    return found


# -- context for one language -------------------------------------------------------------------------------


def annotate(catalog: Catalog, project: Project, language: str) -> None:
    """Adds to every message a ``#.`` line per role (what it shows in ``language``) and per placeholder."""
    facts = _facts(project.figures)
    for message in catalog:
        if isinstance(message.id, str) and message.id:
            for comment in context_comments(message.id, language, facts):
                if comment not in message.auto_comments:
                    message.auto_comments.append(comment)


def _facts(path: Path) -> dict[str, Figure]:
    try:
        return _facts_at(path, path.stat().st_mtime_ns)
    except (OSError, FiguresError):
        return {}


@cache
def _facts_at(path: Path, _mtime: int) -> dict[str, Figure]:
    return load_figures(path)


def context_comments(msgid: str, language: str, facts: dict[str, Figure]) -> list[str]:
    """What each role and placeholder of a message stands for, as readers of ``language`` will see it."""
    comments = [_role_comment(match["name"], match["target"].strip(), match.group(0), language, facts)
                for match in ROLE.finditer(msgid)]  # fmt: skip
    for name in dict.fromkeys(match["name"] for match in _PLACEHOLDER.finditer(msgid)):
        held = PLACEHOLDERS.get(name, "a value filled in when the page is built")
        comments.append(f"%({name})s is {held}: keep it exactly as it is")
    return list(dict.fromkeys(comments))


def _role_comment(name: str, target: str, role: str, language: str, facts: dict[str, Figure]) -> str:
    if name == "period":
        try:
            return f'{role} shows "{l10n.format_period(target, language)}"'
        except ValueError:
            return f"{role} shows a period: copy the role unchanged"
    if name not in ("fact", "fact-value", "fact-citations"):
        return f"{role} is markup: copy it unchanged"
    figure = facts.get(target)
    if figure is None:
        return f"{role} names no figure of the figures file: copy it unchanged, the build reports it"
    if name == "fact-citations":
        return f"{role} shows links to the sections that cite this figure"
    shown = figure.format(language)
    if figure.kind == "percent":
        return f'{role} shows "{shown}" (the percentage with its sign)'
    measure = "measure word" if l10n.parse_locale(language).language in ("zh", "ja", "ko") else "unit"
    return f'{role} shows "{shown}" (a bare number: the {measure} is yours)'
