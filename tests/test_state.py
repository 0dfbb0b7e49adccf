"""Build state that is always right: parallel reads, incremental against cold builds, compiled catalogs."""

from __future__ import annotations

import fcntl
import gettext
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOTS, SZPUB, run_szpub


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
    """The appendix table, wherever it is published (its own page, or inlined into the article page)."""
    parser = _Rows()
    for page in ("appendix.html", "index.html"):
        parser.feed((outdir / page).read_text(encoding="utf-8"))
    return {row[0].strip(): [cell.strip() for cell in row[1:]] for row in parser.rows}


@pytest.mark.slow
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
@pytest.mark.slow
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


# -- szpub build: stamps, interrupted and failed builds, concurrent builds ---------------------------------

HTML = ("build", "--draft", "--format", "html")
OLD, NEW = "Nobody has translated this sentence yet.", "Nobody has translated this sentence so far."


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A small publication (two languages), its HTML built and published once."""
    root = publication_from_root("test-stale-mo", tmp_path / "small")
    result = run_szpub(root, *HTML)
    assert result.returncode == 0, result.stderr
    return root


def english_page(root: Path) -> str:
    return (root / "_build" / "site" / "en" / "index.html").read_text(encoding="utf-8")


def edit_source(root: Path) -> None:
    index = root / "docs" / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")


@pytest.mark.slow  # four HTML builds per point
@pytest.mark.parametrize("point", ["target", "publish", "swap"])
def test_a_build_killed_at_any_point_is_completed_by_the_next(small: Path, point: str) -> None:
    """SIGKILL after a target's Sphinx run, after assembling the site, and right after swapping it in."""
    edit_source(small)
    killed = run_szpub(small, *HTML, env={"SZPUB_TEST_DIE_AT": point})
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    if point != "swap":
        assert OLD in english_page(small)  # the site is still the previous one

    again = run_szpub(small, *HTML)
    assert again.returncode == 0, again.stderr
    assert "published" in again.stdout, again.stdout
    assert NEW in english_page(small) and OLD not in english_page(small)
    sites = [path.name for path in (small / "_build").glob("site-*")]
    assert sites == []  # leftovers of the killed build removed (_build/site is a real folder, issue 13)
    third = run_szpub(small, *HTML)  # the completed build left stamps that match: nothing to do
    assert third.stdout.startswith("up to date: ") and "done in" not in third.stderr, third.stdout + third.stderr


@pytest.mark.slow
def test_a_target_built_but_never_published_is_published_by_the_next_build(small: Path) -> None:
    """en/html succeeds and zh_CN/html fails: nothing is published, yet en/html has its stamp."""
    edit_source(small)
    chinese_out = small / "_build" / "html" / "zh-cn"
    shutil.rmtree(chinese_out)
    chinese_out.write_text("not a folder: the Chinese target cannot write its pages\n")
    failed = run_szpub(small, *HTML)
    assert failed.returncode == 1 and "zh_CN/html failed:" in failed.stderr, failed.stderr
    assert OLD in english_page(small)

    english = run_szpub(small, *HTML, "--lang", "en")  # en/html is up to date, but not published
    assert english.returncode == 0, english.stderr
    assert NEW in english_page(small), english.stdout + english.stderr

    chinese_out.unlink()  # the cause fixed
    both = run_szpub(small, *HTML)
    assert both.returncode == 0, both.stderr
    assert NEW in (small / "_build" / "site" / "zh-cn" / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_second_build_waits_for_the_first(small: Path) -> None:
    lock_path = small / "_build" / ".szpub" / "lock"
    with lock_path.open("a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        lock.truncate(0)
        lock.write(f"{os.getpid()}\n")
        lock.flush()
        edit_source(small)
        second = subprocess.Popen(
            [*SZPUB, *HTML], cwd=small, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert second.stderr is not None
        said = [second.stderr.readline()]  # blocks until the second build says why it waits
        while said[-1] and not said[-1].startswith("waiting") and len(said) < 5:
            said.append(second.stderr.readline())
        assert said[-1] == f"waiting for another szpub build (pid {os.getpid()}) in this folder to finish\n", said
        time.sleep(0.5)
        assert second.poll() is None  # still waiting: nothing built while the lock is held
        assert OLD in english_page(small)
        fcntl.flock(lock, fcntl.LOCK_UN)
    _stdout, stderr = second.communicate(timeout=300)
    assert second.returncode == 0, stderr
    assert NEW in english_page(small)


@pytest.mark.slow
def test_two_builds_at_once_both_succeed(small: Path) -> None:
    edit_source(small)
    builds = [subprocess.Popen([*SZPUB, *HTML], cwd=small, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for _ in range(2)]  # fmt: skip
    results = [(build.wait(timeout=300), build.communicate()) for build in builds]
    assert [code for code, _ in results] == [0, 0], results
    assert any("waiting for another szpub build" in err for _, (_, err) in results), results
    assert NEW in english_page(small)


@pytest.mark.slow
def test_what_the_checks_never_saw_is_checked_before_a_build_publishes(tmp_path: Path) -> None:
    """Targets built without the checks (szpub serve, the build API) are up to date, not checked."""
    from conftest import copy_publication
    from szpub.build import targets as build
    from szpub.core.project import find_project

    root = copy_publication(tmp_path / "pub")
    catalog = root / "locales" / "zh_CN" / "LC_MESSAGES" / "talent.po"
    original = catalog.read_text(encoding="utf-8")
    catalog.write_text(original.replace("，", ",", 1), encoding="utf-8")  # a [punctuation] error
    project = find_project(root)
    assert build.build(project, build.plan(project, None, ["html"])).ok  # as the preview builds: no checks

    result = run_szpub(root, "build", "--format", "html")
    assert result.returncode == 1
    assert re.search(r"locales/zh_CN/LC_MESSAGES/talent\.po:\d+: \[punctuation\]", result.stderr), result.stderr

    catalog.write_text(original, encoding="utf-8")
    assert run_szpub(root, "build", "--format", "html").returncode == 0
    # the glossary is in no target's inputs, but in the checks': a term every page breaks is an error
    with (root / "locales" / "glossary.csv").open("a", encoding="utf-8") as glossary:
        glossary.write("Shenzhen,深圳市,standard\n")
    result = run_szpub(root, "build", "--format", "html")
    assert result.returncode == 1
    assert "[glossary] glossary: 'Shenzhen' is translated as '深圳市'" in result.stderr
