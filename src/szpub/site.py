"""The reader's site: the szpub theme, the language switcher and the links to each language's PDF."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from szpub import l10n
from szpub.project import pdf_stem

if TYPE_CHECKING:
    from sphinx.application import Sphinx

THEME_DIR = Path(__file__).parent / "theme" / "szpub"


def languages(app: Sphinx) -> list[str]:
    """The published languages, the source language first."""
    return list(app.config.szpub_languages or [app.config.language])


def on_html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    to_root = "../" * (pagename.count("/") + 1)
    current = app.config.language
    context["szpub_lang_tag"] = l10n.bcp47(current)
    context["szpub_alternates"] = [
        {
            "code": code,
            "tag": l10n.bcp47(code),
            "name": l10n.self_name(code),
            "url": f"{to_root}{l10n.folder_name(code)}/{pagename}.html",
            "current": code == current,
        }
        for code in languages(app)
    ]
    context["szpub_pdf"] = to_root[3:] + pdf_stem(app.config.szpub_slug, app.config.language) + ".pdf"


def on_config_inited(app: Sphinx, config: Any) -> None:
    if config.html_theme == "alabaster":  # Sphinx's default: the user chose no theme
        config.html_theme = "szpub"
    config.html_show_sourcelink = False
    config.html_copy_source = False
    config.html_show_sphinx = False


def setup_site(app: Sphinx) -> None:
    app.add_config_value("szpub_languages", [], "env", types=frozenset({list}))
    app.add_html_theme("szpub", str(THEME_DIR))
    app.connect("config-inited", on_config_inited, priority=600)
    app.connect("html-page-context", on_html_page_context)
