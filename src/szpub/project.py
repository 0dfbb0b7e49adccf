"""A publication on disk: its conf.py, sources, catalogs and configured languages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sphinx.config import eval_config_file
from sphinx.errors import ConfigError
from sphinx.util.tags import Tags

from szpub.l10n import folder_name


def pdf_stem(slug: str, language: str) -> str:
    """The PDF's file name without suffix: the publication's slug and the language's folder."""
    return f"{slug}-{folder_name(language)}"


class ProjectError(Exception):
    """A publication that cannot be found or read; the message says what to do."""


@dataclass(frozen=True)
class Project:
    """Where a publication lives and what its conf.py says about languages and names."""

    root: Path
    source_language: str
    languages: tuple[str, ...]
    slug: str
    title: str
    updated: str = ""  # the release's ISO date-time (szpub_release["updated"]): the builds' SOURCE_DATE_EPOCH
    base_url: str = ""  # szpub_base_url: where the site is published (sitemap.xml's absolute URLs)

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    @property
    def locales(self) -> Path:
        return self.root / "locales"

    @property
    def build_dir(self) -> Path:
        return self.root / "_build"

    @property
    def site(self) -> Path:
        return self.build_dir / "site"

    @property
    def target_languages(self) -> tuple[str, ...]:
        return tuple(lang for lang in self.languages if lang != self.source_language)


def find_project(start: Path) -> Project:
    """The publication whose conf.py is in ``start`` (as sphinx-build users expect)."""
    conf = start / "conf.py"
    if not conf.is_file():
        raise ProjectError(f"{start}: no conf.py here; run szpub from the publication's folder")
    try:
        namespace = eval_config_file(conf, Tags())
    except ConfigError as err:
        raise ProjectError(f"{conf}: {err}") from None
    source_language = namespace.get("language") or "en"
    languages = tuple(namespace.get("szpub_languages") or [source_language])
    if source_language not in languages:
        languages = (source_language, *languages)
    release = namespace.get("szpub_release") or {}
    return Project(
        root=start.resolve(),
        source_language=source_language,
        languages=languages,
        slug=namespace.get("szpub_slug", "release"),
        title=release.get("title") or namespace.get("project", "Untitled"),
        updated=str(release.get("updated") or ""),
        base_url=str(namespace.get("szpub_base_url") or ""),
    )
