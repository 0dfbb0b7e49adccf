from pathlib import Path

extensions = ["szpub"]
language = "en"
szpub_languages = ["en", "zh_CN"]
locale_dirs = [str(Path(__file__).parent / "locales")]
gettext_compact = False
szpub_slug = "untrusted"
szpub_release = {
    "title": "Test release",
    "source": "Test Daily",
    "portal": "Test Portal",
    "updated": "2024-01-26T10:01:00+08:00",
    "subject": "A hostile translator's catalogs",
}
szpub_figures = "figures.yaml"
# substitutions on, so that a {{sub}} in a msgstr would really be rendered if it got through
myst_enable_extensions = ["substitution"]
myst_substitutions = {"sub": "SUBSTITUTED-4412"}
exclude_patterns = ["figures.yaml", "locales", "secret.txt"]
