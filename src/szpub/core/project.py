"""A publication on disk: conf.py read once into one Project (languages, catalogs, names, paths)."""

from __future__ import annotations

import os
import re
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from szpub.core.errors import SzpubError
from szpub.core.l10n import folder_name

# Names that become file names: one path segment, no dot first (never "..", never hidden), nothing a shell quotes.
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9._-]{0,98}[a-z0-9])?$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,8}(?:[_-][A-Za-z0-9]{1,8}){0,4}$")


def name_problem(option: str, value: object) -> str:
    """Why a configured slug or language cannot name a file or folder, or ''."""
    pattern = _SLUG if option == "szpub_slug" else _LANGUAGE
    if isinstance(value, str) and pattern.match(value):
        return ""
    expected = (
        "lowercase letters, digits, '.', '_' and '-', starting and ending with a letter or digit"
        if option == "szpub_slug"
        else "a language code such as 'en', 'zh_CN' or 'zh-Hant-TW'"
    )
    return f"{option} = {value!r} cannot name a file: use {expected}"


def pdf_stem(slug: str, language: str) -> str:
    """The PDF's file name without suffix: the publication's slug and the language's folder."""
    return f"{slug}-{folder_name(language)}"


class ProjectError(SzpubError):
    """A publication that cannot be found or read; the message says what to do."""


@dataclass(frozen=True)
class Project:
    """Where a publication lives and what its conf.py says: the one model every command reads."""

    root: Path
    source_language: str
    languages: tuple[str, ...]
    slug: str
    title: str
    updated: str = ""  # the release's ISO date-time (szpub_release["updated"]): the builds' SOURCE_DATE_EPOCH
    base_url: str = ""  # szpub_base_url: where the site is published (sitemap.xml's absolute URLs)
    locale_dirs: tuple[Path, ...] = ()  # absolute; Sphinx resolves conf.py's locale_dirs against docs/
    conf: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    @property
    def locales(self) -> Path:
        """The folder of the catalogs: the first of conf.py's ``locale_dirs``, as Sphinx reads it first."""
        return self.locale_dirs[0] if self.locale_dirs else self.docs / "locales"

    @property
    def build_dir(self) -> Path:
        return self.root / "_build"

    @property
    def site(self) -> Path:
        return self.build_dir / "site"

    @property
    def figures(self) -> Path:
        return self.docs / str(self.conf.get("szpub_figures") or "figures.yaml")

    @property
    def release(self) -> dict[str, Any]:
        release = self.conf.get("szpub_release")
        return release if isinstance(release, dict) else {}

    @property
    def source_only(self) -> tuple[str, ...]:
        return tuple(self.conf.get("szpub_source_only") or ())

    @property
    def target_languages(self) -> tuple[str, ...]:
        return tuple(lang for lang in self.languages if lang != self.source_language)

    def catalog_dir(self, language: str) -> Path:
        return self.locales / language / "LC_MESSAGES"

    def relative(self, path: Path) -> str:
        """A path as users see it in messages: relative to the publication."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


class _Tags:
    """What conf.py sees as ``tags`` outside a build: no tag is set."""

    def has(self, tag: str) -> bool:
        return False

    __contains__ = has

    def add(self, tag: str) -> None:
        pass

    def remove(self, tag: str) -> None:
        pass


def read_conf(conf: Path) -> dict[str, Any]:
    """conf.py's settings, executed as Sphinx does (its folder as working directory, ``__file__`` set)."""
    namespace: dict[str, Any] = {"__file__": str(conf), "tags": _Tags()}
    cwd = Path.cwd()
    try:
        code = compile(conf.read_bytes(), str(conf), "exec")
        os.chdir(conf.parent)
        exec(code, namespace)  # conf.py is the editors' own code: trusted, as with sphinx-build
    except SyntaxError as err:
        raise ProjectError(f"not valid Python: {err.msg}", conf, err.lineno) from None
    except SystemExit:
        raise ProjectError("conf.py called sys.exit()", conf) from None
    except Exception as err:
        line = next((f.lineno for f in reversed(traceback.extract_tb(err.__traceback__)) if f.filename == str(conf)), 0)
        raise ProjectError(f"{type(err).__name__}: {err}", conf, line) from None
    finally:
        os.chdir(cwd)
    return namespace


def conf_line(conf: Path, name: str) -> int:
    """The line of conf.py that sets ``name`` (0 when it is not written there)."""
    lines = conf.read_text(encoding="utf-8", errors="replace").splitlines()
    return next((number for number, line in enumerate(lines, 1) if line.lstrip().startswith(name)), 0)


def find_project(start: Path) -> Project:
    """The publication whose conf.py is in ``start`` (as sphinx-build users expect)."""
    conf = (start / "conf.py").resolve()  # __file__ must be absolute: conf.py builds paths from it
    if not conf.is_file():
        raise ProjectError("no conf.py here; run szpub from the publication's folder", start)
    namespace = read_conf(conf)
    root = start.resolve()
    source_language = namespace.get("language") or "en"
    languages = tuple(namespace.get("szpub_languages") or [source_language])
    if source_language not in languages:
        languages = (source_language, *languages)
    for option, values in (("szpub_slug", [namespace.get("szpub_slug", "release")]), ("language", languages)):
        problem = next(filter(None, (name_problem(option, value) for value in values)), "")
        if problem:
            raise ProjectError(problem, conf, conf_line(conf, "szpub_languages" if option == "language" else option))
    release = namespace.get("szpub_release") or {}
    locale_dirs = namespace.get("locale_dirs", ["locales"])
    return Project(
        root=root,
        source_language=source_language,
        languages=languages,
        slug=namespace.get("szpub_slug", "release"),
        title=release.get("title") or namespace.get("project", "Untitled"),
        updated=str(release.get("updated") or ""),
        base_url=str(namespace.get("szpub_base_url") or ""),
        locale_dirs=tuple((root / "docs" / str(d)).resolve() for d in locale_dirs),
        conf=namespace,
    )
