"""Sphinx configuration of the Shenzhen Daily release of 26 January 2024 (plain sphinx-build works too)."""

from pathlib import Path

extensions = ["szpub"]

language = "en"
szpub_languages = ["en", "zh_CN", "zh_HK"]
locale_dirs = [str(Path(__file__).parent / "locales")]  # absolute: Sphinx resolves it against docs/
gettext_compact = False

szpub_slug = "shenzhen-opening-up-2024-01-26"
# Where _build/site is published ("https://.../"): absolute hreflang, canonical, OpenGraph and feed URLs and
# a sitemap.xml. Empty: relative links and no sitemap (a build says so once).
szpub_base_url = ""
szpub_release = {
    "title": "City to advance higher-level opening up",
    "source": "Shenzhen Daily",
    "portal": "Shenzhen Government Online",
    "updated": "2024-01-26T10:01:00+08:00",
    "subject": "Shenzhen's plans to advance higher-level opening up, presented at a press conference on high-quality development",
}
szpub_figures = "figures.yaml"
szpub_source_only = ["translators-guide"]  # never translated: no catalog, the source text everywhere

exclude_patterns = ["figures.yaml"]
