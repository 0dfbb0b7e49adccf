"""What protects the published output from a translation: raw HTML in a msgstr fails the build.

Measured on Sphinx 9 + MyST: HTML in a msgstr is published unescaped (``<script>`` included), and the
theme's strings (sphinx.po) are inserted into the pages unescaped. So before anything is read, every
catalog of the build's language is scanned; a msgstr with HTML that its msgid lacks stops the build with
``file.po:LINE`` and the msgid. A transform after Sphinx's ``Locale`` backs this up for anything the scan
could miss. The same test serves ``szpub check`` (checks.check_html).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.locale import get_translation
from sphinx.transforms import SphinxTransform

from szpub import l10n
from szpub.pofiles import CatalogError, read_catalog

if TYPE_CHECKING:
    from sphinx.application import Sphinx

_ = get_translation("sphinx")

# Anything an HTML parser (and CommonMark's raw HTML rule) reads as markup: tags, comments, declarations,
# processing instructions. Autolinks (<https://...>) are not: their name is followed by ':'.
_HTML = re.compile(r"<(?:[A-Za-z][A-Za-z0-9-]*(?=[\s/>])|/\s*[A-Za-z]|!|\?)[^>]{0,200}>?", re.DOTALL)


def raw_html(msgid: str, msgstr: str) -> list[str]:
    """The HTML snippets of ``msgstr`` that its msgid does not contain verbatim."""
    return [snippet for snippet in _HTML.findall(msgstr) if snippet not in msgid]


def _shorten(text: str, width: int = 60) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def injections(folder: Path, shown: Path, *, allow_fuzzy: bool = False) -> list[str]:
    """``file.po:LINE: ...`` for every published msgstr of the folder's catalogs carrying raw HTML."""
    problems = []
    for path in sorted(folder.rglob("*.po")):
        where = shown / path.relative_to(folder)
        try:
            catalog = read_catalog(path, shown=where)
        except CatalogError as err:
            problems.append(str(err))
            continue
        for message in catalog:
            if not message.id or not message.string or (message.fuzzy and not allow_fuzzy):
                continue
            for msgid, msgstr in zip(_forms(message.id), _forms(message.string), strict=False):
                for snippet in raw_html(msgid, msgstr):
                    problems.append(
                        f"{where}:{message.lineno}: raw HTML {_shorten(snippet, 30)!r} in the translation of "
                        f'"{_shorten(msgid)}": remove it from the msgstr'
                    )
    return problems


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
    if problems:
        raise ExtensionError("a translation must not carry raw HTML or be malformed:\n" + "\n".join(problems))


class RejectTranslatedRawHTML(SphinxTransform):
    """After Sphinx's Locale transform: no raw node may come from a translation."""

    default_priority = 21  # Locale is 20

    def _source(self) -> str:
        """The document's own text: raw HTML its author wrote may come back through the translation."""
        return Path(self.env.doc2path(self.env.docname)).read_text(encoding="utf-8")

    def apply(self, **kwargs: Any) -> None:
        for node in self.document.findall(nodes.raw):
            parent = node.parent
            while parent is not None and not parent.get("translated"):
                parent = parent.parent
            if parent is not None and node.astext() not in self._source():
                source, line = parent.source or self.env.doc2path(self.env.docname), parent.line
                raise ExtensionError(
                    f"{source}:{line}: the translation of this passage carries raw HTML {_shorten(node.astext(), 30)!r}"
                )


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
    app.add_transform(RejectTranslatedRawHTML)
    app.connect("html-page-context", on_html_page_context)
