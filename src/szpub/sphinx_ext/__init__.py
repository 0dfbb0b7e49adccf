"""szpub's Sphinx extension: only runs inside sphinx-build (``extensions = ["szpub"]`` in conf.py).

One module per feature, each with a ``setup_<feature>(app)``: the figures' roles and appendix
(``appendix``, ``chart``, ``downloads``), the reader's site (``site``, ``search``, the ``theme``), the
release's metadata and the PDF's preamble (``publication``), and the translation guard (``guard``).
May import ``szpub.core``, ``szpub.catalogs.pofiles`` (to read catalogs strictly), ``szpub.catalogs.compiled``
(to compile them), Sphinx and docutils.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from szpub import __version__
from szpub.sphinx_ext.appendix import setup_figures
from szpub.sphinx_ext.article import setup_article
from szpub.sphinx_ext.compiled import setup_compiled_catalogs
from szpub.sphinx_ext.downloads import setup_downloads
from szpub.sphinx_ext.draft import setup_draft
from szpub.sphinx_ext.freshness import setup_freshness
from szpub.sphinx_ext.guard import setup_translations
from szpub.sphinx_ext.newsmeta import setup_newsmeta
from szpub.sphinx_ext.publication import setup_publication
from szpub.sphinx_ext.search import setup_search
from szpub.sphinx_ext.site import setup_site
from szpub.sphinx_ext.stale import setup_stale
from szpub.sphinx_ext.state import setup_state

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("myst_parser")
    setup_state(app)  # per-document state in a Domain: what makes parallel reads safe
    setup_compiled_catalogs(app)
    setup_publication(app)
    setup_figures(app)
    setup_downloads(app)
    setup_site(app)
    setup_article(app)
    setup_newsmeta(app)
    setup_search(app)
    setup_translations(app)
    setup_stale(app)
    setup_draft(app)
    setup_freshness(app)  # any document read: every page written, the search index rebuilt (incremental == cold)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
