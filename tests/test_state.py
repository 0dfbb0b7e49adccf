"""Build state that is always right: parallel reads, incremental against cold builds, compiled catalogs."""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOTS, run_szpub


def sphinx_build(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Plain ``sphinx-build`` in another process, warnings as errors."""
    command = [sys.executable, "-m", "sphinx", "-W", "-q", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


class _Rows(HTMLParser):
    """The appendix table's body rows as lists of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._in_body = self._in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.rows.append([])
        elif tag == "td" and self._in_body:
            self._in_cell = True
            self.rows[-1].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self._in_body = False
        elif tag == "td":
            self._in_cell = False

    def handle_data(self, data: str) -> None:
        if self._in_cell:
            self.rows[-1][-1] += data


def appendix_rows(outdir: Path) -> dict[str, list[str]]:
    parser = _Rows()
    parser.feed((outdir / "appendix.html").read_text(encoding="utf-8"))
    return {row[0].strip(): [cell.strip() for cell in row[1:]] for row in parser.rows}


def test_a_changed_figure_reaches_the_appendix_with_parallel_reads(tmp_path: Path) -> None:
    """``sphinx-build -j 2`` reads the pages in worker processes: the appendix must still follow the data."""
    src, out = Path(shutil.copytree(ROOTS / "test-parallel", tmp_path / "src")), tmp_path / "out"
    first = sphinx_build("-j", "2", src, out)
    assert first.returncode == 0, first.stderr
    assert appendix_rows(out)["Firms in section three"] == ["300 firms", "2023", "Section three"]

    figures = src / "figures.yaml"
    figures.write_text(figures.read_text(encoding="utf-8").replace("value: 300", "value: 333"), encoding="utf-8")
    second = sphinx_build("-j", "2", src, out)
    assert second.returncode == 0, second.stderr
    assert appendix_rows(out)["Firms in section three"] == ["333 firms", "2023", "Section three"]
    assert "There were 333 firms in section three." in (out / "three.html").read_text(encoding="utf-8")
    assert appendix_rows(out)["Firms in section one"] == ["100 firms", "2023", "Section one"]


# -- compiled catalogs: a .mo is always the current .po ---------------------------------------------------

STALE = {
    "Nobody has translated this sentence yet.": "一句过时的翻译。",
    "%(percent)s of this page is translated; the rest is shown in the original language.": "陈旧的提示%(percent)s",
}


def publication_from_root(name: str, dest: Path) -> Path:
    """A test root laid out as a publication: conf.py and locales/ at the top, the sources in docs/."""
    shutil.copytree(ROOTS / name, dest, ignore=shutil.ignore_patterns("*.mo"))
    (dest / "docs").mkdir()
    for path in list(dest.iterdir()):
        if path.name not in {"conf.py", "locales", "docs"}:
            path.rename(dest / "docs" / path.name)
    return dest


def plant_stale_mo(catalogs: Path, tmp_path: Path) -> None:
    """Beside each .po, a .mo compiled by GNU msgfmt from an older translation, dated an hour after the .po."""
    for po_path in sorted(catalogs.glob("*.po")):
        text = po_path.read_text(encoding="utf-8")
        for msgid, msgstr in STALE.items():
            line = re.compile(f'(msgid "{re.escape(msgid)}"\nmsgstr ").*"')
            text = line.sub(lambda match, msgstr=msgstr: f'{match[1]}{msgstr}"', text)
        older = tmp_path / f"older-{po_path.name}"
        older.write_text(text, encoding="utf-8")
        mo_path = po_path.with_suffix(".mo")
        subprocess.run(["msgfmt", "-o", str(mo_path), str(older)], check=True)
        later = po_path.stat().st_mtime + 3600
        os.utime(mo_path, (later, later))
    assert any(msgstr in gettext_catalog(mo).values() for mo in catalogs.glob("*.mo") for msgstr in STALE.values())


def gettext_catalog(mo_path: Path) -> dict[object, str]:
    """The messages of a .mo as Python's gettext reads it, the header left out."""
    with mo_path.open("rb") as file:
        return {key: value for key, value in gettext.GNUTranslations(file)._catalog.items() if key}  # type: ignore[attr-defined]


def msgfmt_catalog(po_path: Path, tmp_path: Path) -> dict[object, str]:
    mo_path = tmp_path / f"msgfmt-{po_path.stem}.mo"
    subprocess.run(["msgfmt", "-o", str(mo_path), str(po_path)], check=True)
    return gettext_catalog(mo_path)


@pytest.mark.parametrize("path", ["sphinx-build", "szpub build"])
def test_a_stale_compiled_catalog_is_never_trusted(tmp_path: Path, path: str) -> None:
    root = publication_from_root("test-stale-mo", tmp_path / "pub")
    catalogs = root / "locales" / "zh_CN" / "LC_MESSAGES"
    plant_stale_mo(catalogs, tmp_path)

    if path == "sphinx-build":
        out = tmp_path / "out"
        result = sphinx_build("-c", root, "-D", "language=zh_CN", root / "docs", out)
        page = out / "index.html"
    else:
        result = run_szpub(root, "build", "--draft", "--format", "html", "--lang", "zh_CN")
        page = root / "_build" / "site" / "zh-cn" / "index.html"
    assert result.returncode == 0, result.stdout + result.stderr

    html = page.read_text(encoding="utf-8")
    for msgstr in STALE.values():
        assert msgstr.replace("%(percent)s", "") not in html
    assert "本页已翻译" in html and "Nobody has translated this sentence yet." in html  # the current .po
    for po_path in sorted(catalogs.glob("*.po")):
        assert gettext_catalog(po_path.with_suffix(".mo")) == msgfmt_catalog(po_path, tmp_path), po_path.name
