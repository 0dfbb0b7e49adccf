"""Where each page of the published site is: one folder per language, alternates, the base URL."""

from __future__ import annotations

from szpub.core import l10n

ROOT_DOC = "index"


def page_alternates(pagename: str, languages: list[str] | tuple[str, ...], base: str) -> list[tuple[str, str]]:
    """``(hreflang, url)`` for a page in every language, then ``x-default``.

    ``base`` is the site root: an absolute URL ending in ``/`` or a relative path such as ``../``.
    x-default is the language-choosing root for the root document, else the source (first) language.
    """
    links = [(l10n.bcp47(lang), f"{base}{l10n.folder_name(lang)}/{pagename}.html") for lang in languages]
    root = base if "://" in base else f"{base}index.html"
    return [*links, ("x-default", root if pagename == ROOT_DOC else links[0][1])]


def normalize_base_url(base_url: str) -> str:
    """The configured base URL with exactly one trailing slash ('' when unset)."""
    return base_url.rstrip("/") + "/" if base_url.strip() else ""
