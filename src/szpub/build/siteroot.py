"""The published site's root: the language-choosing ``index.html`` and ``sitemap.xml`` with every page's alternates."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

from szpub.core import l10n
from szpub.core.embed import script_json
from szpub.core.release import translate
from szpub.core.urls import ROOT_DOC, normalize_base_url, page_alternates

if TYPE_CHECKING:
    from szpub.core.project import Project

SCRIPT = Path(__file__).parent.parent / "sphinx_ext" / "theme" / "szpub" / "static" / "szpub.js"
# pages that are tools, not content: never in the sitemap
_NOT_CONTENT = {"search", "genindex", "py-modindex"}
_NOINDEX = '<meta name="robots" content="noindex">'
_SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_XHTML_NS = "http://www.w3.org/1999/xhtml"


@dataclass
class RootResult:
    """What write_root wrote."""

    index: Path | None
    sitemap: Path | None
    pages: int


def _language_entries(project: Project, site: Path) -> list[dict[str, str]]:
    entries = []
    for language in project.languages:
        folder = l10n.folder_name(language)
        if (site / folder / f"{ROOT_DOC}.html").is_file():
            title = translate(language, project.title, project.locales)
            entries.append(
                {"folder": folder, "tag": l10n.bcp47(language), "name": l10n.self_name(language), "title": title}
            )
    return entries


def _attribute(value: str) -> str:
    return html.escape(value, quote=True)


def root_index(entries: list[dict[str, str]], source_folder: str) -> str:
    """The root page: plain links to each language; its script picks the reader's language and goes there.

    Every value is escaped for where it lands (element text, attribute, script JSON): titles come from
    translators' catalogs (NOTES.md, threat model).
    """
    source = next((entry for entry in entries if entry["folder"] == source_folder), entries[0])
    items = "\n".join(
        f'      <li lang="{_attribute(e["tag"])}"><a href="{_attribute(e["folder"])}/index.html" '
        f'hreflang="{_attribute(e["tag"])}" data-szpub-lang="{_attribute(e["folder"])}">{html.escape(e["name"])}</a>'
        f' <span class="title">{html.escape(e["title"])}</span></li>'
        for e in entries
    )
    alternates = "\n".join(
        f'  <link rel="alternate" hreflang="{_attribute(e["tag"])}" href="{_attribute(e["folder"])}/index.html">'
        for e in entries
    )
    choices = script_json(
        [{"folder": e["folder"], "tag": e["tag"], "accepts": l10n.browser_tags(e["tag"])} for e in entries]
    )
    source_json = script_json(source["folder"])
    return f"""<!DOCTYPE html>
<html lang="{_attribute(source["tag"])}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{html.escape(" · ".join(e["title"] for e in entries))}</title>
{alternates}
  <link rel="alternate" hreflang="x-default" href="index.html">
  <link rel="icon" href="data:,">
  <style>
    body {{ font: 1.125rem/1.7 "Helvetica Neue", Arial, "Noto Sans CJK SC", sans-serif; margin: 3rem auto;
      max-width: 36rem; padding: 0 1rem; color: #1d1d1f; }}
    ul {{ list-style: none; padding: 0; }} li {{ margin: 1rem 0; }} a {{ color: #0b4f8a; font-weight: 700; }}
    .title {{ display: block; color: #5b5b66; }}
  </style>
  <script>
{SCRIPT.read_text(encoding="utf-8")}
  </script>
  <script>szpubGoToBestLanguage({choices}, {source_json});</script>
</head>
<body>
  <main>
    <ul>
{items}
    </ul>
  </main>
</body>
</html>
"""


def site_pages(site: Path, folders: list[str]) -> list[str]:
    """The content pages (Sphinx page names) published in any language, in a stable order."""
    names: set[str] = set()
    for folder in folders:
        for page in (site / folder).rglob("*.html"):
            name = page.relative_to(site / folder).with_suffix("").as_posix()
            if name not in _NOT_CONTENT and not name.startswith("_") and not _noindex(page):
                names.add(name)
    return sorted(names, key=lambda name: (name != ROOT_DOC, name))


def _noindex(page: Path) -> bool:
    """A page that asks not to be listed: a section that moved into the article (sphinx_ext/article.py)."""
    return _NOINDEX in page.read_text(encoding="utf-8", errors="replace")


def sitemap(site: Path, languages: list[str], base_url: str) -> tuple[bytes, int]:
    """sitemap.xml: one ``<url>`` per page and language, each listing every alternate with xhtml:link."""
    ET.register_namespace("", _SITEMAP_NS)
    ET.register_namespace("xhtml", _XHTML_NS)
    urlset = ET.Element(f"{{{_SITEMAP_NS}}}urlset")
    pages = site_pages(site, [l10n.folder_name(lang) for lang in languages])
    for pagename in pages:
        present = [lang for lang in languages if (site / l10n.folder_name(lang) / f"{pagename}.html").is_file()]
        links = page_alternates(pagename, present, base_url)
        for _tag, url in links[:-1]:
            entry = ET.SubElement(urlset, f"{{{_SITEMAP_NS}}}url")
            ET.SubElement(entry, f"{{{_SITEMAP_NS}}}loc").text = url
            for tag, href in links:
                ET.SubElement(entry, f"{{{_XHTML_NS}}}link", rel="alternate", hreflang=tag, href=href)
    ET.indent(urlset)
    return ET.tostring(urlset, encoding="utf-8", xml_declaration=True) + b"\n", len(pages)


def write_root(project: Project, site: Path) -> RootResult:
    """Writes ``index.html`` (and ``sitemap.xml`` when ``szpub_base_url`` is set) into the assembled site."""
    entries = _language_entries(project, site)
    index = site / "index.html" if entries else None
    if index is not None:
        index.write_text(root_index(entries, l10n.folder_name(project.source_language)), encoding="utf-8")
    base_url = normalize_base_url(project.base_url)
    if not base_url or not entries:
        return RootResult(index, None, 0)
    content, pages = sitemap(
        site, [lang for lang in project.languages if (site / l10n.folder_name(lang)).is_dir()], base_url
    )
    path = site / "sitemap.xml"
    path.write_bytes(content)
    return RootResult(index, path, pages)
