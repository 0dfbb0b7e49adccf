"""News metadata: the article's JSON-LD ``NewsArticle`` (with its other editions) and an Atom feed per language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

from szpub.core import l10n
from szpub.core.embed import script_json
from szpub.core.release import translate
from szpub.core.urls import ROOT_DOC, normalize_base_url, page_alternates
from szpub.sphinx_ext.publication import load_release, locales_dir
from szpub.sphinx_ext.site import page_description

if TYPE_CHECKING:
    from sphinx.application import Sphinx

FEED = "feed.xml"  # in each language's folder
_ATOM = "http://www.w3.org/2005/Atom"
_TAG_PREFIX = "tag:szpub,2024:"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class Edition:
    """The article in one language: what JSON-LD and the feed say of it."""

    tag: str
    url: str
    headline: str


@dataclass(frozen=True)
class FeedEntry:
    """One publication in a language's feed."""

    id: str
    title: str
    url: str
    summary: str
    author: str
    published: dt.datetime
    updated: dt.datetime


def publication_id(app: Sphinx, language: str) -> str:
    """A tag: URI for one edition: the same in every build, after an update, with or without ``szpub_base_url``.

    The tag's date is the naming authority's (RFC 4151), not the release's: ``updated`` may change.
    """
    return f"{_TAG_PREFIX}{app.config.szpub_slug}/{l10n.folder_name(language)}"


def editions(app: Sphinx, base: str) -> list[Edition]:
    """The article in every published language, the build's own first; ``base`` is the site root."""
    published = list(app.config.szpub_languages or [app.config.language])
    locales = locales_dir(app.config, app.srcdir)
    title = str(app.config.szpub_release.get("title", ""))
    found = [
        Edition(tag, url, translate(code, title, locales))
        for code, (tag, url) in zip(published, page_alternates(ROOT_DOC, published, base), strict=False)
    ]
    own = l10n.bcp47(app.config.language)
    return sorted(found, key=lambda edition: edition.tag != own)


def news_article(app: Sphinx, description: str, base: str) -> dict[str, Any]:
    """schema.org NewsArticle: the source language's edition lists its translations, the others point back."""
    release = load_release(app.config, app.srcdir)
    own, *others = editions(app, base)
    moment = release.updated.isoformat()
    source = {"@type": "Organization", "name": release.source}
    article: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": own.url,
        "url": own.url,
        "headline": release.title,
        "description": description,
        "datePublished": moment,
        "dateModified": moment,
        "inLanguage": own.tag,
        "publisher": {"@type": "Organization", "name": release.portal or release.source},
        "author": source,
        "sourceOrganization": source,
    }
    linked = [{"@type": "NewsArticle", "@id": e.url, "inLanguage": e.tag, "headline": e.headline} for e in others]
    source_tag = l10n.bcp47(app.config.szpub_languages[0]) if app.config.szpub_languages else own.tag
    if own.tag == source_tag:
        if linked:
            article["workTranslation"] = linked
    else:
        article["translationOfWork"] = next(link for link in linked if link["inLanguage"] == source_tag)
    return article


def _site_base(app: Sphinx, to_root: str) -> str:
    return normalize_base_url(app.config.szpub_base_url) or to_root


def on_html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    if app.builder.name != "html":
        return
    to_root = "../" * (pagename.count("/") + 1)
    context["szpub_feed"] = context["pathto"](FEED, 1)
    if pagename == app.config.root_doc:
        article = news_article(app, context.get("szpub_description", ""), _site_base(app, to_root))
        context["szpub_jsonld"] = script_json(article, indent=1)


def atom_feed(feed_id: str, title: str, language_tag: str, links: dict[str, str], entries: list[FeedEntry]) -> bytes:
    """An Atom 1.0 feed of ``entries`` (newest first); ``links`` maps rel ("self", "alternate") to href."""
    ET.register_namespace("", _ATOM)
    root = ET.Element(f"{{{_ATOM}}}feed", {_XML_LANG: language_tag})
    ordered = sorted(entries, key=lambda entry: entry.updated, reverse=True)
    _text(root, "id", feed_id)
    _text(root, "title", title)
    _text(root, "updated", ordered[0].updated.isoformat() if ordered else "1970-01-01T00:00:00Z")
    for rel, href in links.items():
        ET.SubElement(root, f"{{{_ATOM}}}link", rel=rel, href=href)
    for entry in ordered:
        element = ET.SubElement(root, f"{{{_ATOM}}}entry")
        _text(element, "id", entry.id)
        _text(element, "title", entry.title)
        ET.SubElement(element, f"{{{_ATOM}}}link", rel="alternate", type="text/html", href=entry.url)
        _text(element, "published", entry.published.isoformat())
        _text(element, "updated", entry.updated.isoformat())
        _text(ET.SubElement(element, f"{{{_ATOM}}}author"), "name", entry.author)
        _text(element, "summary", entry.summary)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _text(parent: ET.Element, name: str, text: str) -> None:
    ET.SubElement(parent, f"{{{_ATOM}}}{name}").text = text


def on_build_finished(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.name != "html":
        return
    release = load_release(app.config, app.srcdir)
    base_url = normalize_base_url(app.config.szpub_base_url)
    folder = f"{base_url}{l10n.folder_name(app.config.language)}/" if base_url else ""
    entry = FeedEntry(
        id=publication_id(app, app.config.language),
        title=release.title,
        url=f"{folder}{ROOT_DOC}.html",
        summary=_article_description(app, release.subject),
        author=release.source,
        published=release.updated,
        updated=release.updated,
    )
    links = {"self": f"{folder}{FEED}", "alternate": f"{folder}{ROOT_DOC}.html"}
    feed_id = f"{publication_id(app, app.config.language)}/feed"
    content = atom_feed(feed_id, release.portal or release.title, l10n.bcp47(app.config.language), links, [entry])
    Path(app.outdir, FEED).write_bytes(content)


def _article_description(app: Sphinx, fallback: str) -> str:
    return page_description(app.env.get_doctree(app.config.root_doc), fallback)


def setup_newsmeta(app: Sphinx) -> None:
    app.connect("html-page-context", on_html_page_context, priority=600)  # after site.py's description
    app.connect("build-finished", on_build_finished)
