"""Shared fixtures: Sphinx's own testing fixtures, and one full build of the real publication per session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest_plugins = ["sphinx.testing.fixtures"]

REPO = Path(__file__).resolve().parent.parent
ROOTS = Path(__file__).resolve().parent / "roots"
SZPUB = [sys.executable, "-m", "szpub.cli.main"]


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


def run_szpub(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``szpub ARGS`` in ``cwd``, as a user runs it (``env``: variables added to the environment)."""
    environment = {**os.environ, **env} if env else None
    return subprocess.run([*SZPUB, *args], cwd=cwd, capture_output=True, text=True, check=False, env=environment)


@pytest.fixture(scope="session")
def publication(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real publication, built once with ``szpub build`` (HTML and PDF, every language)."""
    root = copy_publication(tmp_path_factory.mktemp("publication"))
    result = run_szpub(root, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    return root


@pytest.fixture(scope="session")
def site(publication: Path) -> Path:
    """The published site of the real publication: ``_build/site``."""
    return publication / "_build" / "site"
