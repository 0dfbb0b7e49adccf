"""Build state that is always right: parallel reads, incremental against cold builds, compiled catalogs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from conftest import ROOTS


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
