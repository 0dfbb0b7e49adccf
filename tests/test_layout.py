"""The package's layout holds: each subpackage imports only what its docstring allows."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "szpub"
# subpackage -> prefixes it must never import
FORBIDDEN = {
    "core": ("szpub.sphinx_ext", "szpub.catalogs", "szpub.build", "szpub.ingest", "szpub.cli", "sphinx", "docutils"),
    "catalogs": ("szpub.sphinx_ext", "szpub.build", "szpub.ingest", "szpub.cli", "sphinx", "docutils"),
    "build": ("szpub.sphinx_ext", "szpub.ingest", "szpub.cli", "sphinx", "docutils"),
    "ingest": ("szpub.sphinx_ext", "szpub.build", "szpub.cli", "sphinx", "docutils"),
    "cli": ("szpub.sphinx_ext", "sphinx", "docutils"),
}
# the sphinx-build child process's entry point: it is Sphinx, run by the build in another process
CHILD_PROCESS = {"build/runner.py"}


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module))
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_import_rules(package: str) -> None:
    broken = [
        f"{path.relative_to(PACKAGE)}:{line}: imports {name}"
        for path in sorted((PACKAGE / package).rglob("*.py"))
        if path.relative_to(PACKAGE).as_posix() not in CHILD_PROCESS
        for line, name in _imports(path)
        if any(name == prefix or name.startswith(prefix + ".") for prefix in FORBIDDEN[package])
    ]
    assert not broken, "\n".join(broken)


def test_every_subpackage_says_what_it_may_import() -> None:
    for folder in sorted(p for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()):
        doc = ast.get_docstring(ast.parse((folder / "__init__.py").read_text(encoding="utf-8")))
        assert doc and "import" in doc, f"{folder.name}/__init__.py: no docstring saying what it may import"


def test_translators_commands_load_no_sphinx() -> None:
    """``szpub stat`` and ``szpub check`` start without importing Sphinx at all (measured: issue 11)."""
    code = (
        "import sys; from szpub.cli import main; from szpub.catalogs import checks, update; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sphinx', 'docutils')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
