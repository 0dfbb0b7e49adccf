"""szpub build: atomic publish, failure reports, incremental no-op, reproducible outputs, progress, preview."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import LANGUAGES, copy_publication, lang_folder, run_szpub
from szpub.build import targets as build
from szpub.build.progress import Progress
from szpub.core.errors import SzpubError
from szpub.core.project import find_project

RELEASE_EPOCH = 1706234460  # 2024-01-26T10:01:00+08:00, szpub_release["updated"] in conf.py


def digest(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (through the ``_build/site`` link) with the hash of its bytes."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def built(publication: Path, tmp_path: Path) -> Path:
    """A copy of the session's built publication (sources and _build/), to break and rebuild."""
    return Path(shutil.copytree(publication, tmp_path / "built", symlinks=True))


def test_the_site_is_a_real_folder_and_no_staging_is_left(html_site: Path) -> None:
    site = html_site
    assert site.is_dir() and not site.is_symlink()  # cp -r copies files, not a link (issue 13)
    assert list(site.parent.glob("site-*")) == []


@pytest.mark.slow
def test_an_unchanged_publication_builds_nothing(built: Path) -> None:
    # normally a no-op already; a rebuild only if szpub's own files changed since the session's build
    assert run_szpub(built, "build").returncode == 0
    site_folder = (built / "_build" / "site").stat().st_ino
    result = run_szpub(built, "build")
    assert result.returncode == 0, result.stderr
    up_to_date = sorted(line.split()[0] for line in result.stderr.splitlines() if line.endswith(" up to date"))
    assert up_to_date == sorted(f"{language}/{kind}" for language in LANGUAGES for kind in ("html", "pdf"))
    assert result.stderr.count("up to date") == 2 * len(LANGUAGES), result.stderr
    assert result.stdout.startswith("up to date: ")
    assert (built / "_build" / "site").stat().st_ino == site_folder  # not published again


@pytest.mark.slow
def test_a_removed_page_is_no_longer_published(built: Path) -> None:
    index = built / "docs" / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("talent\n", ""), encoding="utf-8")
    (built / "docs" / "talent.md").unlink()
    result = run_szpub(built, "build", "--format", "html")
    assert result.returncode == 0, result.stderr
    site = built / "_build" / "site"
    assert [language for language in LANGUAGES if (site / lang_folder(language) / "talent.html").exists()] == []
    assert (site / "en" / "investment.html").is_file()


@pytest.mark.slow
def test_a_myst_error_keeps_the_previous_site_and_names_target_and_line(built: Path) -> None:
    site = built / "_build" / "site"
    before, folder = digest(site), site.stat().st_ino
    talent = built / "docs" / "talent.md"
    original = talent.read_text(encoding="utf-8")
    talent.write_text(original.replace("\n\nTo acquire", "\n\nSee {nosuchrole}`x`. To acquire"), encoding="utf-8")

    # as a CI runner does: FORCE_COLOR makes Sphinx colour even a pipe, and the report must stay plain
    result = run_szpub(built, "build", "--lang", "en", "--format", "html", env={"FORCE_COLOR": "1", "NO_COLOR": None})

    assert result.returncode == 1
    assert "\x1b" not in result.stderr
    assert "en/html failed:" in result.stderr
    assert 'docs/talent.md:3: WARNING: Unknown interpreted text role "nosuchrole".' in result.stderr
    assert "szpub: error: en/html failed; the published site in _build/site is unchanged" in result.stderr
    assert site.stat().st_ino == folder
    assert digest(site) == before

    # fixed, the next build swaps a new folder in and removes the old one
    talent.write_text(original.replace("To acquire more", "To attract more"), encoding="utf-8")
    result = run_szpub(built, "build", "--lang", "en", "--format", "html")
    assert result.returncode == 0, result.stderr
    assert "To attract more" in (site / "en" / "index.html").read_text(encoding="utf-8")  # the article
    assert site.stat().st_ino != folder
    assert list(built.joinpath("_build").glob("site-*")) == []


@pytest.mark.slow
def test_a_latex_error_reports_the_first_error_of_the_log_only(built: Path) -> None:
    site = built / "_build" / "site"
    before = digest(site)
    with (built / "docs" / "talent.md").open("a", encoding="utf-8") as file:
        file.write("\n```{raw} latex\n\\undefinedmacro\n```\n")

    result = run_szpub(built, "build", "--lang", "en", "--format", "pdf")

    assert result.returncode == 1
    report = result.stderr[result.stderr.index("en/pdf failed:") :].splitlines()
    assert report[1:3] == ["    shenzhen-opening-up-2024-01-26-en.log:", "    ! Undefined control sequence."]
    assert report[3].strip().startswith("l.") and report[3].endswith("\\undefinedmacro")
    assert "This is XeTeX" not in result.stderr  # the log's first error, not the whole log
    assert digest(site) == before
    assert not (built / "_build" / "pdf" / "en" / "latex" / "shenzhen-opening-up-2024-01-26-en.pdf").exists()


@pytest.mark.slow
def test_two_cold_builds_give_the_same_bytes(site: Path, tmp_path: Path) -> None:
    """A second cold build in another folder: HTML of every language, then one PDF (the zh_CN one)."""
    again = copy_publication(tmp_path / "again")
    assert run_szpub(again, "build", "--format", "html").returncode == 0
    assert run_szpub(again, "build", "--lang", "zh_CN", "--format", "pdf").returncode == 0
    first, second = digest(site), digest(again / "_build" / "site")

    not_asked = [language for language in LANGUAGES if language != "zh_CN"]
    pdfs = {f"{lang_folder(lang)}/shenzhen-opening-up-2024-01-26-{lang_folder(lang)}.pdf" for lang in not_asked}
    assert set(first) - set(second) == pdfs
    assert set(second) <= set(first)
    different = [name for name in second if second[name] != first[name]]
    assert different == ["manifest.json"]  # only for the PDFs it was not asked to build
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["languages"]:
        if entry["language"] in not_asked:
            entry["pdf"] = None
    assert json.loads((again / "_build" / "site" / "manifest.json").read_text(encoding="utf-8")) == manifest
    assert "zh-cn/shenzhen-opening-up-2024-01-26-zh-cn.pdf" in second


@pytest.mark.slow
def test_the_pdf_is_dated_by_the_release_not_the_build(site: Path, publication: Path) -> None:
    assert build.source_date_epoch(find_project(publication)) == RELEASE_EPOCH
    info = subprocess.run(
        ["pdfinfo", str(site / "zh-cn" / "shenzhen-opening-up-2024-01-26-zh-cn.pdf")],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "CreationDate:    Fri Jan 26 02:01:00 2024 UTC" in info


def test_progress_plain_lines_when_not_a_terminal() -> None:
    target = build.BuildTarget("zh_CN", "html")
    stream = io.StringIO()
    progress = Progress(stream, live=False)
    progress(build.TargetEvent(target, "queued"))
    progress(build.TargetEvent(target, "building"))
    progress(build.TargetEvent(target, "failed", build.TargetResult(target, "failed", seconds=2.04)))
    assert stream.getvalue().splitlines() == ["zh_CN/html       building", "zh_CN/html       failed after 2.0 s"]


def test_progress_one_live_line_per_target_on_a_terminal() -> None:
    en, zh = build.BuildTarget("en", "pdf"), build.BuildTarget("zh_CN", "pdf")
    stream = io.StringIO()
    progress = Progress(stream, live=True)
    for target in (en, zh):
        progress(build.TargetEvent(target, "queued"))
    progress(build.TargetEvent(en, "done", build.TargetResult(en, "built", seconds=3.0, pdf_reused=True)))
    last = stream.getvalue().rsplit("\x1b[2A", 1)[1]  # the last redraw: back up two lines, rewrite both
    assert last == (
        "\r\x1b[2Ken/pdf           done in 3.0 s (PDF unchanged, LaTeX skipped)\n"
        "\r\x1b[2Kzh_CN/pdf        queued\n"
    )


def test_a_language_may_be_named_by_its_tag_or_folder() -> None:
    project = find_project(Path(__file__).resolve().parent.parent)
    for name in ("zh_CN", "zh-CN", "zh-cn"):
        assert build.plan(project, [name], ["html"]) == [build.BuildTarget("zh_CN", "html")]
    with pytest.raises(SzpubError, match="not a configured language: xx"):
        build.plan(project, ["xx"])


@pytest.mark.slow
def test_an_html_only_build_says_which_pdfs_its_pages_still_lack(tmp_path: Path) -> None:
    root = copy_publication(tmp_path / "pub")
    result = run_szpub(root, "build", "--format", "html", "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert "note: the en pages link a PDF that is not built yet: run szpub build --format pdf" in result.stderr
