"""Plain sphinx-build warns (``szpub.stale``) where a page's message is not in its catalog, or the catalog is gone.

Sphinx shows such a message in the source language without a word; ``szpub check`` and a release
``szpub build`` stop on it, and this is the same finding for builds run without szpub. It runs before
Sphinx's ``Locale`` transform, on the document's messages as the gettext builder extracts them.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.transforms import SphinxTransform
from sphinx.util import logging
from sphinx.util.i18n import docname_to_domain
from sphinx.util.nodes import extract_messages

from szpub.catalogs.pofiles import CatalogError, read_catalog
from szpub.core.markup import shorten

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)


class WarnStaleMessages(SphinxTransform):
    """Before Locale: each translatable message of a page must be in the page's catalog."""

    default_priority = 19  # sphinx.transforms.i18n.Locale is 20

    def apply(self, **kwargs: Any) -> None:
        config = self.config
        if not config.language or config.language == _source_language(config) or config.szpub_draft:
            return
        docname = self.env.docname
        if docname in (getattr(config, "szpub_source_only", None) or ()):
            return
        domain = docname_to_domain(docname, config.gettext_compact)
        path = _catalog_path(self.app, domain)
        messages = list(extract_messages(self.document))
        if not messages:
            return
        shown = os.path.relpath(path, self.app.confdir)
        if not path.is_file() or path.stat().st_size == 0:
            state = "missing" if not path.is_file() else "empty"
            logger.warning(
                "the catalog %s is %s: %d message(s) of this page are shown untranslated (run szpub update)",
                shown, state, len(messages), type="szpub", subtype="stale", location=(docname, 1),
            )  # fmt: skip
            return
        known = _msgids(path, path.stat().st_mtime_ns)
        if known is None:
            return  # unreadable: the translation guard reports it at its line
        for node, msgid in messages:
            if msgid not in known:
                logger.warning(
                    'not in %s (the source changed since the last szpub update): "%s"',
                    shown, shorten(msgid, 60, newline=" "), type="szpub", subtype="stale", location=node,
                )  # fmt: skip


def _source_language(config: Any) -> str:
    languages = getattr(config, "szpub_languages", None) or ["en"]
    return str(languages[0])


def _catalog_path(app: Sphinx, domain: str) -> Path:
    """The first locale_dir's catalog that exists (as Sphinx searches them), else the first one's."""
    language = app.config.language
    candidates = [Path(app.srcdir, d, language, "LC_MESSAGES", f"{domain}.po") for d in app.config.locale_dirs]
    return next((path for path in candidates if path.is_file()), candidates[0])


@cache
def _msgids(path: Path, _mtime: int) -> frozenset[str] | None:
    try:
        catalog = read_catalog(path)
    except CatalogError:
        return None
    return frozenset(str(message.id) for message in catalog if message.id)


def setup_stale(app: Sphinx) -> None:
    app.add_transform(WarnStaleMessages)
