"""The reader's site: the szpub theme, the language switcher, hreflang alternates, page metadata and downloads."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel.core import get_global
from docutils import nodes
from sphinx.locale import get_translation
from sphinx.util import logging

from szpub.core import l10n
from szpub.core.project import pdf_stem
from szpub.core.urls import ROOT_DOC, normalize_base_url, page_alternates
from szpub.sphinx_ext.publication import load_release

if TYPE_CHECKING:
    from sphinx.application import Sphinx

_ = get_translation("sphinx")
logger = logging.getLogger(__name__)

THEME_DIR = Path(__file__).parent / "theme" / "szpub"
DESCRIPTION_LENGTH = 160


@dataclass(frozen=True)
class Alternate:
    """The current page in one published language."""

    code: str
    tag: str
    name: str
    url: str
    current: bool
    folder: str


@dataclass(frozen=True)
class Download:
    """A file the page offers: the PDF, and (from the figures feature) the data files."""

    label: str
    url: str
    kind: str


def languages(app: Sphinx) -> list[str]:
    """The published languages, the source language first."""
    return list(app.config.szpub_languages or [app.config.language])


def og_locale(language: str) -> str:
    """OpenGraph's locale form, with the likely territory when the code has none: ``en`` -> ``en_US``."""
    locale = l10n.parse_locale(language)
    territory = locale.territory
    if not territory:
        likely = get_global("likely_subtags").get(locale.language, "")
        territory = likely.split("_")[-1] if likely.count("_") else ""
    return f"{locale.language}_{territory}" if territory else locale.language


def page_description(doctree: nodes.document | None, fallback: str) -> str:
    """The page's first paragraph of prose (not the byline, not a table cell), shortened for search results."""
    text = ""
    if doctree is not None:
        for paragraph in doctree.findall(nodes.paragraph):
            prose = isinstance(paragraph.parent, nodes.section | nodes.document)
            if prose and "szpub-byline" not in paragraph["classes"] and not _is_downloads(paragraph):
                text = paragraph.astext()
                break
    text = re.sub(r"\s+", " ", text).strip() or fallback
    if len(text) <= DESCRIPTION_LENGTH:
        return text
    return text[: DESCRIPTION_LENGTH - 1].rstrip() + "…"


def _is_downloads(paragraph: nodes.paragraph) -> bool:
    """The appendix's "Download the data: CSV · JSON" line: links, not a description of the page."""
    return any("szpub-download" in ref["classes"] for ref in paragraph.findall(nodes.reference))


def on_html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    to_root = "../" * (pagename.count("/") + 1)
    current = app.config.language
    published = languages(app)
    context["szpub_lang_tag"] = l10n.bcp47(current)
    context["szpub_alternates"] = [
        Alternate(code, l10n.bcp47(code), l10n.self_name(code), url, code == current, l10n.folder_name(code))
        for code, (_tag, url) in zip(published, page_alternates(pagename, published, to_root), strict=False)
    ]
    base_url = normalize_base_url(app.config.szpub_base_url)
    context["szpub_hreflang"] = page_alternates(pagename, published, base_url or to_root)
    context["szpub_og_locale"] = og_locale(current)
    context["szpub_og_alternates"] = [og_locale(code) for code in published if code != current]
    if base_url:
        context["szpub_og_url"] = f"{base_url}{l10n.folder_name(current)}/{pagename}.html"
    release = load_release(app.config, app.srcdir)
    context["szpub_description"] = page_description(doctree, release.subject)
    # the portal publishes the release: the site's name (masthead, og:site_name), unless a feature named it
    context.setdefault("szpub_site_name", release.portal or release.title)
    context["szpub_is_root"] = pagename == ROOT_DOC
    context["szpub_published"] = str(app.config.szpub_release.get("updated", ""))
    # docutils adds a second viewport tag to the one basic/layout.html writes
    context["metatags"] = re.sub(r'<meta name="viewport"[^>]*>\n?', "", context.get("metatags", ""))
    # Other features (the figures' data files) add theirs from a later html-page-context handler.
    pdf = to_root[3:] + pdf_stem(app.config.szpub_slug, current) + ".pdf"
    context["szpub_pdf"] = pdf
    context["szpub_downloads"] = [Download(str(_("Download PDF")), pdf, "pdf"), *data_downloads(app, to_root[3:])]


def data_downloads(app: Sphinx, to_root: str) -> list[Download]:
    """The figures as CSV and JSON (written by the figures feature beside the pages), when there are figures."""
    figures = getattr(app.config, "szpub_figures", "")
    if not figures or not Path(app.srcdir, figures).is_file():
        return []
    from szpub.sphinx_ext.downloads import download_name

    labels = {"csv": _("CSV data"), "json": _("JSON data")}
    return [Download(str(label), to_root + download_name(app.config, kind), kind) for kind, label in labels.items()]


def on_config_inited(app: Sphinx, config: Any) -> None:
    if config.html_theme == "alabaster":  # Sphinx's default: the user chose no theme
        config.html_theme = "szpub"
    config.html_show_sourcelink = False
    config.html_copy_source = False
    config.html_show_sphinx = False
    config.html_use_index = False  # a press release has no index entries; genindex would be an empty page
    base_url = normalize_base_url(config.szpub_base_url)
    if base_url and not config.html_baseurl:  # gives every page its <link rel="canonical">
        config.html_baseurl = f"{base_url}{l10n.folder_name(config.language)}/"


def on_builder_inited(app: Sphinx) -> None:
    if app.builder.name == "html" and not normalize_base_url(app.config.szpub_base_url):
        logger.info("szpub_base_url is empty: relative links, no canonical URLs (set it before publishing)")
    # Sphinx creates an empty _sources/ whenever the builder's class attribute says so, whatever the config
    if hasattr(app.builder, "copysource"):
        app.builder.copysource = app.config.html_copy_source


def setup_site(app: Sphinx) -> None:
    app.add_config_value("szpub_languages", [], "env", types=frozenset({list}))
    app.add_config_value("szpub_base_url", "", "html", types=frozenset({str}))
    app.add_html_theme("szpub", str(THEME_DIR))
    app.connect("config-inited", on_config_inited, priority=600)
    app.connect("builder-inited", on_builder_inited)
    app.connect("html-page-context", on_html_page_context)
