"""What protects the published output from a translation: raw HTML in a msgstr fails the build.

Measured on Sphinx 9 + MyST: HTML in a msgstr is published unescaped (``<script>`` included), and the
theme's strings (sphinx.po) are inserted into the pages unescaped. So before anything is read, every
catalog of the build's language is scanned; each msgstr with HTML that its msgid lacks is an error naming
``file.po:LINE`` and the msgid, and the build exits non-zero. The markup never reaches a page: interface
strings carrying it fall back to the source language, and a transform after Sphinx's ``Locale`` drops any
raw node that a translation brought in (which also covers a stale compiled ``.mo``). The same test serves
``szpub check`` (checks.check_html); ``szpub build`` runs that check first and builds nothing.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.locale import get_translation
from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.nodes import extract_messages

from szpub.catalogs.pofiles import CatalogError, read_catalog
from szpub.core import l10n
from szpub.core.markup import raw_html, shorten
from szpub.sphinx_ext.state import state

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

_ = get_translation("sphinx")
logger = logging.getLogger(__name__)
_SPACE = " "  # a message stays on one line

def injections(folder: Path, shown: Path, *, allow_fuzzy: bool = False) -> list[Injection]:
    """Every published msgstr of the folder's catalogs carrying raw HTML (or a catalog that cannot be read)."""
    problems = []
    for path in sorted(folder.rglob("*.po")):
        where = shown / path.relative_to(folder)
        try:
            catalog = read_catalog(path, shown=where)
        except CatalogError as err:
            problems.append(Injection(str(err), path.stem, "", "catalog"))
            continue
        for message in catalog:
            if not message.id or not message.string or (message.fuzzy and not allow_fuzzy):
                continue
            for msgid, msgstr in zip(_forms(message.id), _forms(message.string), strict=False):
                for snippet in raw_html(msgid, msgstr):
                    tag, source = shorten(snippet, 30, newline=_SPACE), shorten(msgid, 60, newline=_SPACE)
                    text = f'{where}:{message.lineno}: raw HTML {tag!r} in the translation of "{source}": '
                    text += "remove it from the msgstr"
                    problems.append(Injection(text, path.stem, msgid, "unsafe-translation"))
    return problems


@dataclass(frozen=True)
class Injection:
    """A msgstr that must not be published: the message for the user, its catalog and msgid."""

    text: str
    domain: str
    msgid: str
    subtype: str  # unsafe-translation, or catalog for a file that cannot be read


def _forms(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value if v]


def on_builder_inited(app: Sphinx) -> None:
    language = app.config.language
    problems = []
    for directory in app.config.locale_dirs:
        folder = Path(app.srcdir, directory, language, "LC_MESSAGES")
        if folder.is_dir():
            shown = Path(os.path.relpath(folder, app.confdir))
            problems += injections(folder, shown, allow_fuzzy=app.config.gettext_allow_fuzzy_translations)
    for problem in problems:
        logger.error(problem.text, type="szpub", subtype=problem.subtype)
    if problems:
        app.statuscode = 1  # whatever the warning settings: this build must not be published
        _forget(app.translator, {p.msgid for p in problems if p.domain == "sphinx"})


def _forget(translator: Any, msgids: set[str]) -> None:
    """Drops interface translations (sphinx.po): the theme shows the source language's text instead."""
    while translator is not None:
        catalog = getattr(translator, "_catalog", {})
        for msgid in msgids:
            catalog.pop(msgid, None)
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
    app.connect("builder-inited", on_builder_inited)
    app.add_transform(DropTranslatedRawHTML)
    app.add_transform(MarkUntranslatedText)
    app.connect("build-finished", on_build_finished)
    app.connect("html-page-context", on_html_page_context)
