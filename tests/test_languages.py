"""The next language: any Babel language publishes, and zh_HK comes from zh_CN by OpenCC and a term list."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import opencc
import polib
import pytest
from babel.messages.pofile import read_po

from conftest import REPO, copy_publication, run_szpub
from szpub.catalogs import convert
from szpub.catalogs.extract import _interface_messages
from szpub.catalogs.update import SHIPPED_LOCALES
from szpub.core import l10n
from szpub.sphinx_ext import fonts

ZH_HK = REPO / "locales" / "zh_HK" / "LC_MESSAGES"
TERMS = REPO / "locales" / "terms-zh_HK.csv"


def _msgstrs(folder: Path) -> list[str]:
    return [entry.msgstr for po in sorted(folder.glob("*.po")) for entry in polib.pofile(str(po)) if entry.msgstr]


# -- conversion ---------------------------------------------------------------------------------------------


def test_term_list_wins_over_opencc_and_is_counted() -> None:
    rules = convert.load_terms(TERMS)
    assert all(rule.note for rule in rules)
    assert convert.convert_text("深圳市政府周四召开新闻发布会", "s2hk") == ("深圳市政府週四召開新聞發佈會", False)
    text, changed = convert.convert_text("深圳市政府周四召开新闻发布会，“一站式”服务", "s2hk", rules)
    assert (text, changed) == ("深圳市政府星期四召開新聞發布會，「一站式」服務", True)


def test_bad_term_list_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "terms-zh_HK.csv"
    path.write_text("zh_CN,zh_HK,note\n线,綫\n", encoding="utf-8")
    with pytest.raises(convert.CatalogError, match=r"terms-zh_HK.csv:2: each row needs"):
        convert.load_terms(path)


def test_published_zh_hk_has_no_simplified_character() -> None:
    """OpenCC s2hk changes nothing in the reviewed catalogs: no character is left that it would convert."""
    s2hk = opencc.OpenCC("s2hk")
    strings = _msgstrs(ZH_HK)
    assert len(strings) > 60
    left = {char for text in strings for char in text if s2hk.convert(char) != char}
    assert left == set()
    assert not any("“" in text or "”" in text for text in strings)  # HK quotes: 「」
    assert not any(entry.fuzzy for po in ZH_HK.glob("*.po") for entry in polib.pofile(str(po)))


def test_zh_hk_back_to_simplified_is_zh_cn_but_for_the_term_list() -> None:
    """t2s of each zh_HK msgstr is the zh_CN one, except where a term of the list (HK usage) applies."""
    t2s = opencc.OpenCC("hk2s")
    rules = convert.load_terms(TERMS)
    zh_cn = REPO / "locales" / "zh_CN" / "LC_MESSAGES"
    differing = 0
    for po in sorted(ZH_HK.glob("*.po")):
        simplified = {e.msgid: e.msgstr for e in polib.pofile(str(zh_cn / po.name)) if e.msgstr and not e.fuzzy}
        for entry in polib.pofile(str(po)):
            if entry.msgid in simplified and t2s.convert(entry.msgstr) != simplified[entry.msgid]:
                differing += 1
                assert any(rule.source in simplified[entry.msgid] for rule in rules), entry.msgid
    assert differing > 0


@pytest.mark.slow
def test_add_language_from_zh_cn_converts_and_marks_fuzzy(tmp_path: Path) -> None:
    pub = copy_publication(tmp_path / "pub")
    shutil.rmtree(pub / "locales" / "zh_HK", ignore_errors=True)
    proc = run_szpub(pub, "add-language", "zh-HK", "--from", "zh_CN")
    assert proc.returncode == 0, proc.stderr
    assert "converted by OpenCC s2hk" in proc.stdout
    converted = int(proc.stdout.split(" messages converted")[0].split()[-1])
    folder = pub / "locales" / "zh_HK" / "LC_MESSAGES"
    pages = [po for po in sorted(folder.glob("*.po")) if po.name != "sphinx.po"]  # sphinx.po: szpub's reviewed one
    entries = [e for po in pages for e in polib.pofile(str(po)) if e.msgstr]
    assert converted == len(entries) > 40
    assert all(e.fuzzy and "converted from zh_CN by OpenCC s2hk" in e.comment for e in entries)
    interface = [e for e in polib.pofile(str(folder / "sphinx.po")) if e.msgid]
    assert interface and all(e.msgstr and not e.fuzzy for e in interface)
    for po in folder.glob("*.po"):
        subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po)], check=True)
    talent = {e.msgid: e.msgstr for e in polib.pofile(str(folder / "talent.po"))}
    assert any("「一站式」" in text for text in talent.values())
    assert '"zh_HK"' in (pub / "conf.py").read_text(encoding="utf-8")
    check = run_szpub(pub, "check", "--lang", "zh_HK")
    assert check.returncode == 1 and "[fuzzy]" in check.stdout  # a release refuses them until reviewed


def test_add_language_from_an_unconvertible_pair_changes_nothing(tmp_path: Path) -> None:
    pub = copy_publication(tmp_path / "pub")
    before = (pub / "conf.py").read_text(encoding="utf-8")
    proc = run_szpub(pub, "add-language", "ja", "--from", "zh_CN")
    assert proc.returncode == 1 and "cannot convert zh_CN to ja" in proc.stderr and "Traceback" not in proc.stderr
    assert (pub / "conf.py").read_text(encoding="utf-8") == before
    assert not (pub / "locales" / "ja").exists()


# -- shipped interface catalogs ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh_CN", "zh_HK", "ja"])
def test_shipped_interface_catalog_translates_every_interface_string(language: str) -> None:
    path = SHIPPED_LOCALES / language / "LC_MESSAGES" / "sphinx.po"
    subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], check=True)
    with path.open("rb") as file:
        catalog = read_po(file)
    wanted = {message for message, _ in _interface_messages()}
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    assert wanted - translated == set()


# -- fonts and the LaTeX route -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "face"),
    [("zh_CN", "SC"), ("zh_SG", "SC"), ("zh_HK", "HK"), ("zh_MO", "HK"), ("zh_TW", "TC"), ("zh_Hant", "TC"),
     ("ja", "JP"), ("ko", "KR"), ("vi", None), ("pl", None)],
)  # fmt: skip
def test_cjk_face_per_region(language: str, face: str | None) -> None:
    assert fonts.cjk_face(language) == face
    elements = fonts.latex_elements(language)
    if face:
        assert f"\\setCJKmainfont{{Noto Serif CJK {face}}}" in elements["fontpkg"]
        assert elements["babel"] == elements["polyglossia"] == ""
    else:
        assert elements == {}


# -- browser language matching -------------------------------------------------------------------------------


def test_browser_tags_by_script() -> None:
    assert l10n.browser_tags("zh_HK") == ["zh-hk", "zh-hant", "zh-tw", "zh-mo"]
    assert l10n.browser_tags("zh-CN") == ["zh-cn", "zh-hans", "zh-sg", "zh-my"]
    assert l10n.browser_tags("ja") == ["ja"]
    assert l10n.self_name("zh_HK") == l10n.self_name("zh_Hant") == "繁體中文"
    assert l10n.folder_name("zh_HK") == "zh-hk"


@pytest.mark.browser
@pytest.mark.slow
def test_root_redirect_matching_in_chromium() -> None:
    from playwright.sync_api import sync_playwright

    from test_browser import CHROMIUM_ARGS, find_chromium

    script = (REPO / "src/szpub/sphinx_ext/theme/szpub/static/szpub.js").read_text(encoding="utf-8")
    choices = [{"folder": l10n.folder_name(code), "tag": l10n.bcp47(code), "accepts": l10n.browser_tags(code)}
               for code in ("en", "zh_CN", "zh_HK")]  # fmt: skip
    cases = {
        "zh-HK": "zh-hk", "zh-TW": "zh-hk", "zh-MO": "zh-hk", "zh-Hant": "zh-hk", "zh-Hant-TW": "zh-hk",
        "zh-SG": "zh-cn", "zh-CN": "zh-cn", "zh": "zh-cn", "zh-Hans-HK": "zh-cn", "en-GB": "en", "fr": "en",
    }  # fmt: skip
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_content(f"<script>{script}</script>")
        got = {
            tag: page.evaluate(f"szpubBestLanguage({json.dumps(choices)}, 'en', [{json.dumps(tag)}])") for tag in cases
        }
        browser.close()
    assert got == cases


# -- builds --------------------------------------------------------------------------------------------------


def _add_ja(tmp_path: Path) -> Path:
    pub = copy_publication(tmp_path / "pub")
    proc = run_szpub(pub, "add-language", "ja")
    assert proc.returncode == 0, proc.stderr
    assert "started from szpub's" in proc.stdout
    return pub


@pytest.mark.slow
def test_ja_draft_html_has_japanese_interface(tmp_path: Path) -> None:
    pub = _add_ja(tmp_path)
    proc = run_szpub(pub, "build", "--draft", "--lang", "ja", "--format", "html")
    assert proc.returncode == 0, proc.stderr
    page = (pub / "_build" / "site" / "ja" / "index.html").read_text(encoding="utf-8")
    assert 'lang="ja"' in page
    for words in ("本文へスキップ", "検索", "翻訳済みです"):
        assert words in page
    assert "Skip to content" not in page


@pytest.mark.slow
@pytest.mark.parametrize("language", ["ja", "ko", "vi"])
def test_added_language_builds_its_pdf_with_xelatex(tmp_path: Path, language: str) -> None:
    pub = copy_publication(tmp_path / "pub")
    assert run_szpub(pub, "add-language", language).returncode == 0
    proc = run_szpub(pub, "build", "--draft", "--lang", language)
    assert proc.returncode == 0, proc.stderr
    folder = pub / "_build" / "site" / l10n.folder_name(language)
    (pdf,) = folder.glob("*.pdf")
    fonts_used = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    tex = next((pub / "_build").rglob(f"*-{l10n.folder_name(language)}.tex")).read_text(encoding="utf-8")
    assert "jreport" not in tex and "jsbook" not in tex
    face = fonts.cjk_face(language)
    if face:
        assert "NotoSerifCJK" in fonts_used or "NotoSansCJK" in fonts_used
        assert f"Noto Serif CJK {face}" in tex
    else:
        assert "FreeSerif" in fonts_used
    assert (folder / "index.html").is_file()


@pytest.mark.slow
def test_zh_hk_search_index_holds_the_words_readers_type(tmp_path: Path) -> None:
    """jieba cut 外資企業 into 外資/企業 before szpub taught it the Simplified catalogs' words, converted."""
    pub = copy_publication(tmp_path / "pub")
    assert run_szpub(pub, "add-language", "zh_HK").returncode == 0  # the reviewed catalogs are already there
    # a zh_CN build first saves szpub's cache of jieba's dictionary: restored in the zh_HK build, it must not
    # drop the words taught there (it did, when zh_CN's build was the one that saved it)
    cache = {"SZPUB_CACHE_DIR": str(tmp_path / "cache")}
    assert run_szpub(pub, "build", "--lang", "zh_CN", "--format", "html", env=cache).returncode == 0
    assert list((tmp_path / "cache").glob("jieba-userdict-*.marshal"))
    proc = run_szpub(pub, "build", "--lang", "zh_HK", "--format", "html", env=cache)
    assert proc.returncode == 0, proc.stderr
    index = (pub / "_build" / "site" / "zh-hk" / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(index[index.index("(") + 1 : index.rindex(")")])
    # one article page: a word of a heading is a title term of the page, searched like the others
    words = data["terms"].keys() | data["titleterms"].keys()
    for query in ("深圳", "人才", "航線", "外資企業", "國家元首"):
        assert query in words, query
    page = (pub / "_build" / "site" / "zh-hk" / "index.html").read_text(encoding="utf-8")
    assert 'lang="zh-HK"' in page and "搜尋" in page


@pytest.mark.slow
def test_chinese_search_indexes_are_those_plain_sphinx_build_writes(tmp_path: Path) -> None:
    """szpub restores jieba's dictionary from its cache, in the forkserver: the indexes must not differ."""
    pub = copy_publication(tmp_path / "pub")
    chinese = [language for language in ("zh_CN", "zh_HK") if (pub / "locales" / language).is_dir()]
    cache = {"SZPUB_CACHE_DIR": str(tmp_path / "cache")}
    for _ in range(2):  # the first build saves the cache, the second starts from it (restored before the fork)
        for language in chinese:  # a change each: both rebuild
            with (pub / "locales" / language / "LC_MESSAGES" / "talent.po").open("a", encoding="utf-8") as po:
                po.write("\n")
        proc = run_szpub(pub, "build", "--format", "html", *[f"--lang={lang}" for lang in chinese], env=cache)
        assert proc.returncode == 0, proc.stderr
    sphinx = Path(subprocess.sys.executable).with_name("sphinx-build")  # type: ignore[attr-defined]
    for language in chinese:
        out = tmp_path / f"plain-{language}"
        command = [str(sphinx), "-q", "-c", ".", "-D", f"language={language}", "docs", str(out)]
        subprocess.run(command, cwd=pub, check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": "0"})
        published = pub / "_build" / "site" / l10n.folder_name(language) / "searchindex.js"
        assert published.read_bytes() == (out / "searchindex.js").read_bytes(), language


def test_root_index_gives_the_script_its_browser_tags() -> None:
    from szpub.build.siteroot import root_index

    entries = [
        {"folder": l10n.folder_name(code), "tag": l10n.bcp47(code), "name": l10n.self_name(code), "title": "t"}
        for code in ("en", "zh_CN", "zh_HK")
    ]
    page = root_index(entries, "en")
    assert '"accepts": ["zh-hk", "zh-hant", "zh-tw", "zh-mo"]' in page
    assert '"accepts": ["zh-cn", "zh-hans", "zh-sg", "zh-my"]' in page
