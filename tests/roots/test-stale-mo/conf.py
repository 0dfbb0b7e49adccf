from pathlib import Path

extensions = ["szpub"]
language = "en"
szpub_languages = ["en", "zh_CN"]
locale_dirs = [str(Path(__file__).parent / "locales")]
gettext_compact = False
szpub_slug = "stale"
szpub_release = {
    "title": "Stale catalogs",
    "source": "Test Daily",
    "portal": "Test Portal",
    "updated": "2024-01-26T10:01:00+08:00",
    "subject": "A compiled catalog that its .po no longer says",
}
szpub_figures = "figures.yaml"
exclude_patterns = ["figures.yaml", "locales"]
