"""An incremental HTML build writes the same bytes as a cold one: when any document is read, every page is written.

Sphinx writes only the documents it read again (and their toctree parents), so two things went stale:

- the other pages' navigation: the article's contents list and the toctrees show ``env.titles``,
  taken when each page was last written (a changed title of ``talent`` stayed old on six pages);
- the search index: it is loaded from the previous ``searchindex.js`` and ``IndexBuilder.prune``
  empties the words of the re-read documents without deleting them, so a word no longer in the
  release stayed as ``"word":[]`` (``get_terms`` writes an empty set as an empty list); index
  entries of unchanged documents are not loaded at all (sphinx-doc/sphinx#12599).

Writing every page and indexing them into an empty index (the previous index file is removed before
Sphinx loads it) is what a cold build does. The release is a handful of pages and the article page,
re-written on any change anyway, holds all of them, so this costs little.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

# per environment, the documents this build reads: the list Sphinx passes to env-before-read-docs,
# kept by reference so that handlers running after this one (reordering or adding) are seen
_reading: weakref.WeakKeyDictionary[BuildEnvironment, list[str]] = weakref.WeakKeyDictionary()
_fresh_index: weakref.WeakSet[BuildEnvironment] = weakref.WeakSet()


def _writes_pages(app: Sphinx) -> bool:
    """HTML-like builders write a page per document; LaTeX writes one book anyway, gettext no page."""
    return app.builder.format == "html"


def on_env_before_read_docs(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    _reading[env] = docnames


def on_env_get_updated(app: Sphinx, env: BuildEnvironment) -> Iterable[str]:
    if not _writes_pages(app) or not _reading.pop(env, None):
        return []
    _fresh_index.add(env)
    return sorted(env.found_docs)


def on_write_started(app: Sphinx, builder: Builder) -> None:
    if builder.env not in _fresh_index:
        return
    _fresh_index.discard(builder.env)
    index = getattr(builder, "searchindex_filename", None)
    if index:
        # before prepare_writing loads it: every page is fed to an empty index, as in a cold build
        (builder.outdir / index).unlink(missing_ok=True)


def setup_freshness(app: Sphinx) -> None:
    app.connect("env-before-read-docs", on_env_before_read_docs, priority=900)  # after handlers that add documents
    app.connect("env-get-updated", on_env_get_updated)
    app.connect("write-started", on_write_started)
