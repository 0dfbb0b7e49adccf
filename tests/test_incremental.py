"""An incremental ``szpub build`` gives the same bytes as a cold build of the same sources (issue 11, item 4a)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from conftest import LANGUAGES, TARGETS, copy_publication, lang_folder, run_szpub

# Per translated language: (a) a title's msgstr and (c) a paragraph's msgstr, each edited to drop one word.
TRANSLATION_EDITS = {
    "zh_CN": (
        ("为海外人才提供“一站式”服务", "为境外人才提供“一站式”服务"),
        ("职业资格评价鉴定机构", "职业资格评价机构"),
    ),
    "zh_HK": (
        ("為海外人才提供「一站式」服務", "為境外人才提供「一站式」服務"),
        ("職業資格評價鑑定機構", "職業資格評價機構"),
    ),
}
DROPPED = {"zh_CN": "鉴定", "zh_HK": "鑑定"}  # the word (c) drops, which no other page of that language has


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


def index_terms(searchindex: Path) -> set[str]:
    """The words a search index holds, in its text and its titles."""
    text = searchindex.read_text(encoding="utf-8")
    data = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    return set(data["terms"]) | set(data["titleterms"])


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
    assert set(TRANSLATION_EDITS) == set(TARGETS), "an edit for every configured translation"
    edit(root / "docs" / "investment.md", "# Attracting foreign investment", "# Foreign investment")  # (b)
    edit(root / "docs" / "talent.md", "evaluation and appraisal institutions", "evaluation institutions")  # (d)
    for language, (title, paragraph) in TRANSLATION_EDITS.items():
        messages = root / "locales" / language / "LC_MESSAGES"
        talent, investment = messages / "talent.po", messages / "investment.po"
        edit(talent, f'msgstr "{title[0]}"', f'msgstr "{title[1]}"')  # (a)
        edit(investment, 'msgid "Attracting foreign investment"', 'msgid "Foreign investment"')  # follows (b)
        edit(talent, *paragraph)  # (c)
        edit(talent, "evaluation and appraisal institutions", "evaluation institutions")  # follows (d)


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
    for language, ((old_title, new_title), _paragraph) in TRANSLATION_EDITS.items():
        guide = (site / lang_folder(language) / "translators-guide.html").read_text(encoding="utf-8")
        assert new_title in guide and old_title[:7] not in guide, language  # [:7]: the title up to its quotes
        assert DROPPED[language] not in (site / lang_folder(language) / "index.html").read_text(encoding="utf-8")
    assert ">Foreign investment<" in (site / "en" / "translators-guide.html").read_text(encoding="utf-8")
    assert "appraisal" not in (site / "en" / "searchindex.js").read_text(encoding="utf-8")
    assert {language: empty_terms(site / lang_folder(language) / "searchindex.js") for language in LANGUAGES} == {
        language: [] for language in LANGUAGES
    }


@pytest.mark.slow
def test_a_simplified_catalog_edit_reindexes_the_traditional_pages(tmp_path: Path) -> None:
    """zh_HK's index is cut with words taught from the zh_CN catalogs: editing them alone must rebuild it."""
    if "zh_HK" not in TARGETS:
        pytest.skip("the publication has no zh_HK")
    incremental = copy_publication(tmp_path / "incremental")
    build_html(incremental)
    index = incremental / "_build" / "site" / "zh-hk" / "searchindex.js"
    # jieba cuts 大力發展 into 大力/發展 unless taught it: it is, while 大力发展 is in the zh_CN catalogs
    assert "大力發展" in index_terms(index)
    edit(incremental / "locales" / "zh_CN" / "LC_MESSAGES" / "diplomacy.po", "大力发展", "着力发展")

    result = run_szpub(incremental, "build", "--format", "html")
    assert result.returncode == 0, result.stderr
    assert "zh_HK/html       up to date" not in result.stderr
    cold = copy_sources(incremental, copy_publication(tmp_path / "cold"))
    build_html(cold)
    assert "大力發展" not in index_terms(index)
    assert index.read_bytes() == (cold / "_build" / "site" / "zh-hk" / "searchindex.js").read_bytes()
