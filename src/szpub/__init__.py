"""szpub: publish a press release in several languages from one MyST source."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx

try:
    __version__ = version("szpub")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"


def setup(app: Sphinx) -> dict[str, Any]:
    from szpub.sphinx_ext import setup as setup_extension

    return setup_extension(app)
