"""Translation QA: each check is a small function over one message; ``run_checks`` runs them all.

A check takes the message and the context and returns what is wrong, one sentence per problem.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog

from szpub.catalogs.pofiles import CatalogError, read_catalog
from szpub.catalogs.safety import TEMPLATE_MARKS, parser, refusals
from szpub.catalogs.stale import missing_messages
from szpub.catalogs.update import catalog_dir, is_document_catalog, relative, uses_characters
from szpub.core.errors import SzpubError
from szpub.core.figures import Figure, FiguresError, load_figures
from szpub.core.markup import CJK_RANGE, FIGURE_ROLES, ROLE, raw_html, shorten
from szpub.core.project import Project
from szpub.core.yamlfile import read_text

_ESCAPED_NEWLINE = "\\n"  # a finding stays on one line

GLOSSARY = "glossary.csv"  # in locales/: one column per language, accepted forms separated by " | "
_HALF_WIDTH = re.compile(rf"(?<=[{CJK_RANGE}])\s?[,.;:!?()]\s?(?=[{CJK_RANGE}])")
_URL = re.compile(r"https?://[^\s)>\]]+")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# Markup characters that survive rendering only when the markup failed (CommonMark next to CJK punctuation).
_LEFTOVERS = ("**", "__", "*", "`", "[", "]", "{", "}")


@dataclass(frozen=True)
class Finding:
    """One problem: ``file.po:LINE: [check] message: "msgid"``."""

    path: str
    line: int
    check: str
    message: str
    msgid: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        level = "" if self.severity == "error" else f"{self.severity}: "
        quoted = f': "{shorten(self.msgid, 60, newline=_ESCAPED_NEWLINE)}"' if self.msgid else ""
        return f"{self.path}:{self.line}: [{self.check}] {level}{self.message}{quoted}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CheckResult:
    findings: list[Finding] = field(default_factory=list)
    catalogs: int = 0

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class Term:
    english: str
    forms: dict[str, tuple[str, ...]]  # language -> accepted translations


@dataclass
class Context:
    language: str
    document: bool  # a MyST document catalog, as opposed to publication.po / sphinx.po
    facts: dict[str, Figure] | None = None
    glossary: list[Term] = field(default_factory=list)
    catalog: str = ""  # its name (the document's, or sphinx, publication): which rules of catalogs.safety apply


@dataclass(frozen=True)
class Markup:
    """The inline markup of a MyST message, as MyST's own parser reads it."""

    roles: list[str]
    code: list[str]
    links: list[str]
    emphasis: Counter[str]
    text: str


@cache
def markup(text: str) -> Markup:
    roles, code, links, texts = [], [], [], []
    emphasis: Counter[str] = Counter()
    for block in parser().parse(text):
        for token in block.children or []:
            if token.type == "myst_role":
                roles.append(f"{{{token.meta['name']}}}`{token.content}`")
            elif token.type == "code_inline":
                code.append(token.content)
            elif token.type == "link_open":
                links.append(str(token.attrGet("href")))
            elif token.type == "image":
                links.append(str(token.attrGet("src")))
            elif token.type in ("strong_open", "em_open"):
                emphasis[token.type.removesuffix("_open")] += 1
            elif token.type == "text":
                texts.append(token.content)
    text_only = "".join(texts)
    links += _URL.findall(text_only)
    return Markup(roles, code, links, emphasis, text_only)


def _differences(what: str, source: list[str], translation: list[str]) -> list[str]:
    missing = list((Counter(source) - Counter(translation)).elements())
    extra = list((Counter(translation) - Counter(source)).elements())
    problems = [f"{what} {item!r} of the source is missing or changed" for item in missing]
    problems += [f"{what} {item!r} is not in the source" for item in extra]
    return problems


# -- the checks: (msgid, msgstr, context) -> problems -------------------------------------------------------


def check_roles(msgid: str, msgstr: str, context: Context) -> list[str]:
    """Roles ({fact}`id`, {period}`2023`, ...) must be copied exactly: they are the figures."""
    return _differences("role", markup(msgid).roles, markup(msgstr).roles) if context.document else []


def check_facts(msgid: str, msgstr: str, context: Context) -> list[str]:
    """A figure role must name a figure of the data file."""
    if not context.document or context.facts is None:
        return []
    problems = []
    for role in markup(msgstr).roles:
        name, _, fact_id = role[1:-1].partition("}`")
        if name in FIGURE_ROLES and fact_id.strip() not in context.facts:
            problems.append(f"unknown figure {fact_id!r} in {role}: use an id of the figures file")
    return problems


def check_links(msgid: str, msgstr: str, context: Context) -> list[str]:
    """Links keep their targets: the URL or document of the source, nothing added."""
    return _differences("link", markup(msgid).links, markup(msgstr).links) if context.document else []


def check_code(msgid: str, msgstr: str, context: Context) -> list[str]:
    """Inline code is never translated."""
    return _differences("inline code", markup(msgid).code, markup(msgstr).code) if context.document else []


def check_markup(msgid: str, msgstr: str, context: Context) -> list[str]:
    """Bold and italic: as many spans as the source has, no more."""
    if not context.document:
        return []
    source, translation = markup(msgid).emphasis, markup(msgstr).emphasis
    return [
        f"{kind} spans: {translation[kind]} in the translation, {source[kind]} in the source"
        for kind in ("strong", "em")
        if source[kind] != translation[kind]
    ]


def check_unrendered(msgid: str, msgstr: str, context: Context) -> list[str]:
    """Markup that does not render stays as literal characters (``**`` next to CJK punctuation)."""
    if not context.document:
        return []
    source, translation = markup(msgid).text, markup(msgstr).text
    found: list[str] = []
    for marker in _LEFTOVERS:
        if translation.count(marker) > source.count(marker) and not any(marker in other for other in found):
            found.append(marker)
    return [f"{marker!r} does not render and would be shown as is: check the markup around it" for marker in found]


def check_html(msgid: str, msgstr: str, context: Context) -> list[str]:
    """Raw HTML is never published from a translation (the build refuses it too)."""
    problems = [f"raw HTML {snippet!r} that the source lacks" for snippet in raw_html(msgid, msgstr)]
    if not context.document:  # the title and the interface words also go into templates and LaTeX
        marks = [mark for mark in TEMPLATE_MARKS if msgstr.count(mark) > msgid.count(mark)]
        problems += [f"{mark!r} that the source lacks: template or LaTeX markup" for mark in marks]
    return problems


def check_unsafe(msgid: str, msgstr: str, context: Context) -> list[str]:
    """The allow-list (catalogs.safety): page markup only as the source has it; interface strings plain text.

    The build refuses the same messages (raw HTML is the ``html`` check's).
    """
    catalog = context.catalog or ("" if context.document else "sphinx")
    return refusals(catalog, msgid, msgstr, besides_checks=True)


def check_glossary(msgid: str, msgstr: str, context: Context) -> list[str]:
    """Where the source has a term of the glossary, the translation has its agreed form."""
    problems = []
    for term in context.glossary:
        forms = term.forms.get(context.language)
        if forms and _has_term(msgid, term.english) and not any(form in msgstr for form in forms):
            problems.append(f"glossary: {term.english!r} is translated as {' or '.join(map(repr, forms))}")
    return problems


@cache
def _term_pattern(english: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(english)}(?!\w)", re.IGNORECASE)


def _has_term(text: str, english: str) -> bool:
    return bool(_term_pattern(english).search(text.replace("\n", " ")))


def check_punctuation(msgid: str, msgstr: str, context: Context) -> list[str]:
    """Between Chinese (or Japanese) characters, punctuation is full-width (U+3002, U+FF0C, ...)."""
    if not uses_characters(context.language) or context.language.startswith("ko"):
        return []
    plain = _without_markup(msgstr)
    marks = sorted({match.strip() for match in _HALF_WIDTH.findall(plain)})
    return [f"half-width {mark!r} next to Chinese characters: use the full-width form" for mark in marks]


def _without_markup(text: str) -> str:
    text = re.sub(r"`[^`]*`", " ", ROLE.sub(" ", text))
    return _URL.sub(" ", text)


def check_identical(msgid: str, msgstr: str, context: Context) -> list[str]:
    """A msgstr equal to its msgid, where the msgid has words to translate."""
    if msgstr.strip() != msgid.strip() or not _LATIN_WORD.search(_without_markup(msgid)):
        return []
    return ["the translation is identical to the source: translate it"]


CHECKS: dict[str, Callable[[str, str, Context], list[str]]] = {
    "roles": check_roles,
    "facts": check_facts,
    "links": check_links,
    "code": check_code,
    "markup": check_markup,
    "unrendered": check_unrendered,
    "html": check_html,
    "unsafe": check_unsafe,
    "glossary": check_glossary,
    "punctuation": check_punctuation,
    "identical": check_identical,
}


# -- running them -------------------------------------------------------------------------------------------


def check_catalog(path: str, catalog: Catalog, context: Context, *, release: bool = True) -> list[Finding]:
    """Every check over one catalog; untranslated and fuzzy messages are errors in a release."""
    findings = []
    pending = "error" if release else "warning"
    for message in catalog:
        if not message.id or not isinstance(message.id, str):
            continue
        msgid, msgstr, line = message.id, str(message.string or ""), message.lineno or 0
        if not msgstr:
            findings.append(Finding(path, line, "untranslated", "not translated yet", msgid, pending))
            continue
        if message.fuzzy:
            findings.append(
                Finding(path, line, "fuzzy", "fuzzy: review it, then remove the fuzzy flag", msgid, pending)
            )
            continue
        for name, check in CHECKS.items():
            findings += [Finding(path, line, name, problem, msgid) for problem in check(msgid, msgstr, context)]
    return findings


def load_glossary(path: Path) -> list[Term]:
    """The term base; CatalogError (file:line) for a malformed row."""
    if not path.is_file():
        return []
    terms = []
    try:  # untrusted like the catalogs: bounded size, UTF-8, one line per term
        text = read_text(path, SzpubError)
    except SzpubError as err:
        raise CatalogError(path, err.line, err.problem) from None
    rows = csv.DictReader(io.StringIO(text, newline=""))
    try:
        if not rows.fieldnames or "en" not in rows.fieldnames:
            raise CatalogError(path, 1, "the glossary's first row must name the columns, starting with 'en'")
        for row in rows:
            if None in row or not row.get("en"):
                raise CatalogError(path, rows.line_num, "each row needs the English term and no extra columns")
            if any(_GLOSSARY_CONTROL.search(value or "") for value in row.values()):
                raise CatalogError(path, rows.line_num, "a term must be one line of text (no newline or control)")
            forms = {
                lang: tuple(f.strip() for f in value.split("|") if f.strip())
                for lang, value in row.items()
                if lang not in ("en", "note") and value
            }
            terms.append(Term(row["en"].strip(), forms))
    except csv.Error as err:
        raise CatalogError(path, rows.line_num, f"not valid CSV: {err}") from None
    return terms


_GLOSSARY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _facts(project: Project, findings: list[Finding]) -> dict[str, Figure] | None:
    path = project.figures
    try:
        return load_figures(path)
    except FiguresError as err:
        findings.append(Finding(relative(project, path), err.line or 1, "facts", err.problem))
        return None


def check_stale(project: Project, language: str, *, release: bool = True) -> list[Finding]:
    """[stale]: a message of the current source that the catalogs lack, at its source line (a release error)."""
    severity = "error" if release else "warning"
    return [
        Finding(item.source, item.line, "stale", f"{item.reason}: {item.catalog} (run szpub update)", item.msgid,
                severity)
        for item in missing_messages(project, language)
    ]  # fmt: skip


def run_checks(project: Project, languages: list[str] | None = None, *, release: bool = True) -> CheckResult:
    """Every check over every catalog of the languages (all target languages by default)."""
    result = CheckResult()
    facts = _facts(project, result.findings)
    glossary_path = project.locales / GLOSSARY
    try:
        glossary = load_glossary(glossary_path)
    except CatalogError as err:
        result.findings.append(Finding(relative(project, glossary_path), err.line, "glossary", err.problem))
        glossary = []
    for language in languages if languages is not None else project.target_languages:
        result.findings += check_stale(project, language, release=release)
        folder = catalog_dir(project, language)
        if not folder.is_dir():
            result.findings.append(
                Finding(relative(project, folder), 1, "syntax", f"no catalogs for {language}: run szpub update")
            )
            continue
        for path in sorted(folder.rglob("*.po")):
            shown = relative(project, path)
            result.catalogs += 1
            try:
                catalog = read_catalog(path, locale=language, shown=shown)
            except CatalogError as err:
                result.findings.append(Finding(err.path, err.line, "syntax", err.problem))
                continue
            name = path.relative_to(folder).with_suffix("").as_posix()
            context = Context(language, is_document_catalog(name), facts, glossary, name)
            result.findings += check_catalog(shown, catalog, context, release=release)
    return result
