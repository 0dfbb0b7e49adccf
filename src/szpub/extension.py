"""Registers each of szpub's features with Sphinx."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from szpub import __version__
from szpub.appendix import setup_figures
from szpub.downloads import setup_downloads
from szpub.publication import setup_publication
from szpub.search import setup_search
from szpub.site import setup_site
from szpub.translations import setup_translations

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("myst_parser")
    setup_publication(app)
    setup_figures(app)
    setup_downloads(app)
    setup_site(app)
    setup_search(app)
    setup_translations(app)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
