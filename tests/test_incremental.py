"""An incremental ``szpub build`` gives the same bytes as a cold build of the same sources (issue 11, item 4a)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from conftest import copy_publication, run_szpub

MESSAGES = Path("locales/zh_CN/LC_MESSAGES")


def build_html(root: Path) -> None:
    result = run_szpub(root, "build", "--format", "html")
    assert result.returncode == 0, result.stdout + result.stderr


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def copy_sources(source: Path, dest: Path) -> Path:
    """The sources of ``source`` (as edited) without its ``_build/``: what a cold build starts from."""
    shutil.copy2(source / "conf.py", dest / "conf.py")
    for folder in ("docs", "locales", "release"):
        shutil.rmtree(dest / folder)
        shutil.copytree(source / folder, dest / folder, ignore=shutil.ignore_patterns("*.mo"))
    return dest


def published(root: Path) -> dict[str, str]:
    """Every published file (HTML, searchindex.js, translations.js, data files, manifest, feeds, sitemap)."""
    site = root / "_build" / "site"
    return {
        str(path.relative_to(site)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


def empty_terms(searchindex: Path) -> list[str]:
    """Words the search index maps to no document (``"word":[]``): a cold build never writes one."""
    text = searchindex.read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    return sorted(
        f"{kind}:{word}" for kind in ("terms", "titleterms") for word, docs in index[kind].items() if docs == []
    )


def change_titles_headings_and_paragraphs(root: Path) -> None:
    """(a) a page title's translation, (b) a heading in docs/, (c) a paragraph's msgstr, (d) a paragraph in docs/.

    Each one drops a word that only that page had, so a stale search index would keep it.
    """
    talent, investment = root / MESSAGES / "talent.po", root / MESSAGES / "investment.po"
    edit(talent, 'msgstr "为海外人才提供“一站式”服务"', 'msgstr "为境外人才提供“一站式”服务"')  # (a)
    edit(root / "docs" / "investment.md", "# Attracting foreign investment", "# Foreign investment")  # (b)
    edit(investment, 'msgid "Attracting foreign investment"', 'msgid "Foreign investment"')  # the catalog follows
    edit(talent, "职业资格评价鉴定机构", "职业资格评价机构")  # (c)
    edit(root / "docs" / "talent.md", "evaluation and appraisal institutions", "evaluation institutions")  # (d)
    edit(talent, "evaluation and appraisal institutions", "evaluation institutions")  # the catalog follows


@pytest.mark.slow
def test_an_incremental_build_gives_the_bytes_of_a_cold_build(tmp_path: Path) -> None:
    incremental = copy_publication(tmp_path / "incremental")
    build_html(incremental)
    change_titles_headings_and_paragraphs(incremental)
    build_html(incremental)
    cold = copy_sources(incremental, copy_publication(tmp_path / "cold"))
    build_html(cold)

    ours, theirs = published(incremental), published(cold)
    assert ours.keys() == theirs.keys()
    assert [name for name in ours if ours[name] != theirs[name]] == []
    # the edits reached the pages, the navigation of a page that is not part of the article, and the index
    site = incremental / "_build" / "site"
    guide = (site / "zh-cn" / "translators-guide.html").read_text(encoding="utf-8")
    assert "为境外人才提供“一站式”服务" in guide and "为海外人才提供" not in guide
    assert ">Foreign investment<" in (site / "en" / "translators-guide.html").read_text(encoding="utf-8")
    assert "鉴定" not in (site / "zh-cn" / "index.html").read_text(encoding="utf-8")
    assert "appraisal" not in (site / "en" / "searchindex.js").read_text(encoding="utf-8")
    assert empty_terms(site / "en" / "searchindex.js") == empty_terms(site / "zh-cn" / "searchindex.js") == []
