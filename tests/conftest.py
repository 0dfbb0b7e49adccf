"""Shared fixtures: Sphinx's own testing fixtures, and one full build of the real publication per session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from szpub.core.project import find_project

pytest_plugins = ["sphinx.testing.fixtures"]

# CI runners set FORCE_COLOR, and Sphinx then colours its messages even into a pipe: the tests read words.
for _forcer in ("FORCE_COLOR", "FORCE_COLOUR"):
    os.environ.pop(_forcer, None)
os.environ["NO_COLOR"] = "1"
# szpub keeps jieba's dictionary state per user (~/.cache/szpub): the tests keep theirs apart from the user's
os.environ.setdefault("SZPUB_CACHE_DIR", tempfile.mkdtemp(prefix="szpub-test-cache-"))

REPO = Path(__file__).resolve().parent.parent
ROOTS = Path(__file__).resolve().parent / "roots"
SZPUB = [sys.executable, "-m", "szpub.cli.main"]
PUBLICATION = find_project(REPO)  # the repository's conf.py, read once: what every copy of the publication says
LANGUAGES = PUBLICATION.languages  # szpub_languages, the source language first: ("en", "zh_CN", ...)
TARGETS = PUBLICATION.target_languages  # the translated languages


def lang_tag(language: str) -> str:
    """A configured language as BCP 47 writes it (``zh_CN`` -> ``zh-CN``): lang=, hreflang=, the manifest."""
    return language.replace("_", "-")


def lang_folder(language: str) -> str:
    """A configured language's published folder: its tag in lowercase (``zh-cn``)."""
    return lang_tag(language).lower()


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where sphinx.testing finds ``tests/roots/test-<name>``."""
    return ROOTS


def copy_publication(dest: Path) -> Path:
    """A copy of the real publication (conf.py, docs, locales, release) to build or change freely."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "conf.py", dest / "conf.py")
    for folder in ("docs", "locales", "release"):
        shutil.copytree(REPO / folder, dest / folder, ignore=shutil.ignore_patterns("*.mo"))
    return dest


def run_szpub(cwd: Path, *args: str, env: dict[str, str | None] | None = None) -> subprocess.CompletedProcess[str]:
    """``szpub ARGS`` in ``cwd``, as a user runs it (``env``: variables set, or removed where None)."""
    environment = None
    if env:
        merged = {**os.environ, **env}
        environment = {name: value for name, value in merged.items() if value is not None}
    return subprocess.run([*SZPUB, *args], cwd=cwd, capture_output=True, text=True, check=False, env=environment)


@pytest.fixture(scope="session")
def publication(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real publication, built once with ``szpub build`` (HTML and PDF, every language): slow tests only."""
    root = copy_publication(tmp_path_factory.mktemp("publication"))
    result = run_szpub(root, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    return root


@pytest.fixture(scope="session")
def site(publication: Path) -> Path:
    """The published site of the real publication: ``_build/site``."""
    return publication / "_build" / "site"


@pytest.fixture(scope="session")
def html_publication(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real publication built once with ``szpub build --format html`` (every language, no XeLaTeX)."""
    root = copy_publication(tmp_path_factory.mktemp("html-publication"))
    result = run_szpub(root, "build", "--format", "html")
    assert result.returncode == 0, result.stdout + result.stderr
    return root


@pytest.fixture(scope="session")
def html_site(html_publication: Path) -> Path:
    """The published site of the HTML-only build: every page, search index and data file, no PDF."""
    return html_publication / "_build" / "site"


PDF_FIXTURES = frozenset({"publication", "site"})  # they run XeLaTeX


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test that needs the PDFs' build is marked slow, so that ``-m "not slow"`` never runs XeLaTeX."""
    uses = PDF_FIXTURES & set(getattr(item, "fixturenames", ()))
    if uses and item.get_closest_marker("slow") is None:
        pytest.fail(
            f"{item.nodeid} uses the {'/'.join(sorted(uses))} fixture (a build with PDFs): mark it "
            "@pytest.mark.slow, or use html_publication / html_site",
            pytrace=False,
        )


def _repository_files() -> set[str]:
    """Every file under the repository's docs/, locales/ and _build/."""
    return {
        str(path.relative_to(REPO))
        for folder in ("docs", "locales", "_build")
        for path in (REPO / folder).rglob("*")
        if path.is_file()
    }


@pytest.fixture(scope="session", autouse=True)
def _repository_is_never_written() -> Iterator[None]:
    """Tests build copies (copy_publication, tests/roots): the session fails if one made a file in the repository.

    New files only (a compiled .mo, a build's output): editors change existing sources beside a running suite.
    """
    before = _repository_files()
    yield
    made = sorted(_repository_files() - before)
    assert not made, f"tests wrote into the repository: {made}"
