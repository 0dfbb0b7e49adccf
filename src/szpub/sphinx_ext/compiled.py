"""Plain sphinx-build never trusts a stale .mo: each is recompiled from its .po when they differ."""

from __future__ import annotations

import gettext
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx import locale

from szpub.catalogs.compiled import refresh_catalogs

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config


def on_config_inited(app: Sphinx, config: Config) -> None:
    """Before the environment and the builder look at the catalogs, every .mo is what its .po compiles to."""
    if not config.language or not config.locale_dirs:
        return
    changed: list[Path] = []
    for directory in config.locale_dirs:
        folder = Path(app.srcdir, directory, config.language, "LC_MESSAGES")
        if folder.is_dir():
            changed += refresh_catalogs(folder, config.language, use_fuzzy=config.gettext_allow_fuzzy_translations)
    if any(path.stem == "sphinx" for path in changed):
        _reload_interface_strings(app, changed)


def _reload_interface_strings(app: Sphinx, changed: list[Path]) -> None:
    """Sphinx loaded sphinx.mo before any extension ran: forget that (possibly stale) copy and load it again.

    Both Sphinx (its translators) and Python's gettext (by file path) keep the loaded catalog in memory.
    """
    paths = {str(path.resolve()) for path in changed}
    cache = gettext._translations  # type: ignore[attr-defined]
    for key in [key for key in cache if str(Path(key[1]).resolve()) in paths]:
        del cache[key]
    locale.translators.pop(("general", "sphinx"), None)
    app._init_i18n()  # Sphinx's own loading of its interface strings, now from the fresh sphinx.mo


def setup_compiled_catalogs(app: Sphinx) -> None:
    app.connect("config-inited", on_config_inited, priority=100)  # before other handlers read a catalog
