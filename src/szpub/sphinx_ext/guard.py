"""What protects the published output from a translation: a msgstr outside the allow-list is never rendered.

Measured on Sphinx 9 + MyST: HTML in a msgstr is published unescaped (``<script>`` included), a fenced
``{include}`` in one is executed, and the theme's strings (sphinx.po) are inserted into the pages
unescaped. So before anything is read, every catalog of the build's language is scanned with the
allow-list of ``szpub.catalogs.safety`` (the one ``szpub check`` applies); each refused msgstr is an error
naming ``file.po:LINE`` and the msgid, the build exits non-zero, and the message is removed from the
translators Sphinx uses, so the source text is published in its place. Transforms after Sphinx's
``Locale`` drop any raw, image, download or literal node that a translation brought in (a second wall,
which also covers a stale compiled ``.mo``). ``szpub build`` runs ``szpub check`` first and builds nothing.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from gettext import GNUTranslations, NullTranslations
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx import addnodes
from sphinx.locale import get_translation, translators
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.nodes import extract_messages

from szpub.catalogs.pofiles import CatalogError, read_catalog
from szpub.catalogs.safety import refusals
from szpub.core import l10n
from szpub.core.markup import raw_html, shorten

__all__ = ["injections", "raw_html", "setup_translations"]  # raw_html: what the guard refuses, for tests
from szpub.sphinx_ext.state import state

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

_ = get_translation("sphinx")
logger = logging.getLogger(__name__)
_SPACE = " "  # a message stays on one line

def injections(folder: Path, shown: Path, *, allow_fuzzy: bool = False) -> list[Injection]:
    """Every published msgstr of the folder's catalogs the allow-list refuses (or a catalog that cannot be read)."""
    problems = []
    for path in sorted(folder.rglob("*.po")):
        where = shown / path.relative_to(folder)
        domain = path.relative_to(folder).with_suffix("").as_posix()
        try:
            catalog = read_catalog(path, shown=where)
        except CatalogError as err:  # Babel, and so Sphinx, may still compile it: nothing of it is published
            problems += [Injection(str(err), domain, "", "catalog")]
            problems += [Injection("", domain, msgid, "catalog") for msgid in compiled_msgids(path.with_suffix(".mo"))]
            continue
        for message in catalog:
            if not message.id or not message.string or (message.fuzzy and not allow_fuzzy):
                continue
            key = message.id if isinstance(message.id, str) else message.id[0]
            for msgid, msgstr in zip(_forms(message.id), _forms(message.string), strict=False):
                for problem in dict.fromkeys(refusals(domain, msgid, msgstr)):
                    text = f"{where}:{message.lineno}: {_refusal(problem, msgid)}"
                    problems.append(Injection(text, domain, key, "unsafe-translation"))
    return problems


def compiled_msgids(mo_path: Path) -> list[str]:
    """Every msgid of a compiled catalog, as Sphinx will read it (none if there is no readable .mo)."""
    try:
        with mo_path.open("rb") as file:
            catalog = GNUTranslations(file)._catalog  # type: ignore[attr-defined]
    except (OSError, ValueError, LookupError):  # gettext raises OSError, UnicodeDecodeError, LookupError
        return []
    return [key if isinstance(key, str) else key[0] for key in catalog if key]


def _refusal(problem: str, msgid: str) -> str:
    source = shorten(msgid, 60, newline=_SPACE)
    return (
        f'{shorten(problem, 120, newline=_SPACE)}, in the translation of "{source}": '
        "the source text is published instead; fix the msgstr"
    )


@dataclass(frozen=True)
class Injection:
    """A msgstr that must not be published: the message for the user, its catalog and msgid."""

    text: str
    domain: str
    msgid: str
    subtype: str  # unsafe-translation, or catalog for a file that cannot be read


def _forms(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value if v]


def on_config_inited(app: Sphinx, config: Any) -> None:
    """Before any other handler formats an interface string (publication's copyright line) or a page is read."""
    language = config.language
    problems = []
    for directory in config.locale_dirs:
        folder = Path(app.srcdir, directory, language, "LC_MESSAGES")
        if folder.is_dir():
            shown = Path(os.path.relpath(folder, app.confdir))
            problems += injections(folder, shown, allow_fuzzy=config.gettext_allow_fuzzy_translations)
    for problem in problems:
        if problem.text:
            logger.error(problem.text, type="szpub", subtype=problem.subtype)
    if problems:
        app.statuscode = 1  # whatever the warning settings: this build must not be published
    refused: dict[str, set[str]] = {}
    for problem in problems:
        if problem.msgid:
            refused.setdefault(problem.domain, set()).add(problem.msgid)
    _forget(app.translator, refused.pop("sphinx", set()))
    for domain, msgids in refused.items():
        _refuse(domain, msgids)


class _Refusals(NullTranslations):
    """The head of a page catalog's translator: its refused msgids stay in the source language.

    Sphinx 9.0's Locale transform does not call gettext(): it merges the ``_catalog`` of every translator
    of the chain, the head last, and treats an empty msgstr as untranslated. ``sphinx.locale.init`` keeps
    the head it finds (any class but NullTranslations itself) and adds each ``.mo`` as its fallback.
    """

    def __init__(self, msgids: set[str], fallback: Any) -> None:
        super().__init__()
        self._catalog = dict.fromkeys(msgids, "")
        if fallback is not None and fallback.__class__ is not NullTranslations:
            self.add_fallback(fallback)

    def gettext(self, message: str) -> str:  # the appendix reads labels with gettext()
        return message if message in self._catalog else super().gettext(message)


def _refuse(domain: str, msgids: set[str]) -> None:
    """Pages of ``domain`` are built as if its refused msgids were untranslated (with ``-j``, workers inherit it)."""
    key = ("general", domain)
    translators[key] = _Refusals(msgids, translators.get(key))


def _forget(translator: Any, msgids: set[str]) -> None:
    """Drops interface translations (sphinx.po): the theme shows the source language's text instead."""
    while translator is not None:
        catalog = getattr(translator, "_catalog", {})
        for key in [key for key in catalog if (key if isinstance(key, str) else key[0]) in msgids]:
            del catalog[key]  # a plural message's forms are keyed (msgid, n)
        translator = getattr(translator, "_fallback", None)


class DropTranslatedRawHTML(SphinxTransform):
    """After Sphinx's Locale transform: a raw node that a translation brought in is dropped, as an error."""

    default_priority = 21  # Locale is 20

    def _source(self) -> str:
        """The document's own text: raw HTML its author wrote may come back through the translation."""
        return Path(self.env.doc2path(self.env.docname)).read_text(encoding="utf-8")

    def apply(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(nodes.raw)):
            parent = node.parent
            while parent is not None and not parent.get("translated"):
                parent = parent.parent
            if parent is not None and node.astext() not in self._source():
                logger.error(
                    "the translation of this passage carries raw HTML %r: dropped; fix the msgstr",
                    shorten(node.astext(), 30, newline=_SPACE),
                    type="szpub",
                    subtype="unsafe-translation",
                    location=parent,
                )
                node.parent.remove(node)
                _unsafe_documents(self.env).add(self.env.docname)


class DropTranslatedFiles(SphinxTransform):
    """After Locale: an image, download, or literal block (what ``include``/``literalinclude`` make) that a
    translation brought in is dropped, as an error, unless the document's own text names it."""

    default_priority = 21

    def apply(self, **kwargs: Any) -> None:
        source = Path(self.env.doc2path(self.env.docname)).read_text(encoding="utf-8")
        found = [*self.document.findall(nodes.image), *self.document.findall(addnodes.download_reference)]
        found += [*self.document.findall(nodes.literal_block)]
        for node in found:
            parent = _translated_parent(node)
            evidence = str(node.get("uri") or node.get("reftarget") or node.astext())
            if parent is None or evidence in source:
                continue
            logger.error(
                "the translation of this passage brings in %r: dropped; fix the msgstr",
                shorten(evidence, 40, newline=_SPACE),
                type="szpub",
                subtype="unsafe-translation",
                location=parent,
            )
            node.parent.remove(node)
            _unsafe_documents(self.env).add(self.env.docname)


def _translated_parent(node: nodes.Node) -> nodes.Element | None:
    parent = node.parent
    while parent is not None and not parent.get("translated"):
        parent = parent.parent
    return parent


class MarkUntranslatedText(SphinxTransform):
    """In a target language, text still in the source language says so (``lang``), for readers and screen readers.

    docutils writes a ``language-xx`` class as the element's ``lang`` attribute.
    """

    default_priority = 22  # after Locale (20) has translated what it could

    def apply(self, **kwargs: Any) -> None:
        languages = self.config.szpub_languages or [self.config.language]
        if self.config.language == languages[0]:
            return
        for node, _msgid in extract_messages(self.document):
            if not node.get("translated") and re.search(r"[A-Za-z]{2}", node.astext()):
                node["classes"].append(f"language-{l10n.bcp47(languages[0])}")


def _unsafe_documents(env: BuildEnvironment) -> set[str]:
    """Domain data (sphinx_ext.state): cleared per document and merged after parallel reads."""
    return state(env).unsafe


def on_build_finished(app: Sphinx, exception: Exception | None) -> None:
    if _unsafe_documents(app.env):
        app.statuscode = 1


def on_html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """``szpub_translation_notice``: how much of a page in a target language is translated, in that language."""
    context["szpub_translation_notice"] = ""
    languages = app.config.szpub_languages or [app.config.language]
    progress = doctree.get("translation_progress") if doctree is not None else None
    if app.config.language == languages[0] or not progress or not progress["total"]:
        return
    if progress["translated"] >= progress["total"]:
        return
    percent = l10n.format_percentage(100 * progress["translated"] // progress["total"], app.config.language)
    message = _("%(percent)s of this page is translated; the rest is shown in the original language.")
    context["szpub_translation_notice"] = str(message) % {"percent": percent}


def setup_translations(app: Sphinx) -> None:
    app.add_config_value("szpub_source_only", [], "env", types=frozenset({list}))
    app.connect("config-inited", on_config_inited, priority=300)  # publication's runs at 400
    app.add_transform(DropTranslatedRawHTML)
    app.add_transform(DropTranslatedFiles)
    app.add_transform(MarkUntranslatedText)
    app.connect("build-finished", on_build_finished)
    app.connect("html-page-context", on_html_page_context)
