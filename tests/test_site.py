"""The reader's site as HTML: switcher, hreflang, metadata, downloads, Chinese search files, the root and sitemap."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from conftest import LANGUAGES, lang_folder, lang_tag
from szpub.build.siteroot import page_alternates, write_root
from szpub.core.project import Project
from szpub.sphinx_ext.search import SearchChineseStemmed, needs_stemmer_fix

ROOTS = Path(__file__).resolve().parent / "roots"
BASE = "https://news.example/releases/site/"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def copy_root(tmp_path: Path) -> Path:
    """The site's test root, copied: Sphinx compiles its catalogs beside the .po files."""
    return Path(shutil.copytree(ROOTS / "test-site", tmp_path / "test-site"))


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def tags(html: str, name: str, **wanted: str) -> list[dict[str, str]]:
    """The attributes of every ``name`` tag whose attributes include ``wanted`` (``_`` for ``-``/``:``)."""
    parser = _Tags()
    parser.feed(html)
    found = []
    for tag, attrs in parser.tags:
        names = {key.replace("__", ":").replace("_", "-"): value for key, value in wanted.items()}
        if tag == name and all(attrs.get(key) == value for key, value in names.items()):
            found.append(attrs)
    return found


def meta(html: str, prop: str) -> list[str]:
    return [attrs["content"] for attrs in tags(html, "meta") if prop in (attrs.get("property"), attrs.get("name"))]


def read(outdir: Path, page: str) -> str:
    return (outdir / page).read_text(encoding="utf-8")


@pytest.mark.sphinx("html", testroot="site", srcdir="site-zh", confoverrides={"language": "zh_CN"})
def test_chinese_article_switcher_hreflang_and_metadata(app) -> None:
    app.build()
    html = read(app.outdir, "index.html")
    assert tags(html, "html")[0]["lang"] == "zh-CN"
    switch = tags(html, "a", data_szpub_lang="en")
    assert switch == [
        {"href": "../en/index.html", "hreflang": "en", "lang": "en", "rel": "alternate", "data-szpub-lang": "en"}
    ]
    assert '<span lang="zh-CN" aria-current="true">简体中文</span>' in html
    assert [(a["hreflang"], a["href"]) for a in tags(html, "link", rel="alternate") if "hreflang" in a] == [
        ("en", f"{BASE}en/index.html"),
        ("zh-CN", f"{BASE}zh-cn/index.html"),
        ("x-default", BASE),
    ]
    assert tags(html, "link", rel="canonical")[0]["href"] == f"{BASE}zh-cn/index.html"
    assert meta(html, "description") == ["深圳市政府周四召开新闻发布会。会上介绍，深圳将继续推进更高水平对外开放。"]
    assert meta(html, "og:title") == ["测试发布"]
    assert meta(html, "og:site_name") == ["测试门户"]  # the portal, not the article's title
    assert meta(html, "og:locale") == ["zh_CN"]
    assert meta(html, "og:locale:alternate") == ["en_US"]
    assert meta(html, "og:url") == [f"{BASE}zh-cn/index.html"]
    assert meta(html, "article:published_time") == ["2024-01-26T10:01:00+08:00"]
    assert html.count('name="viewport"') == 1


@pytest.mark.sphinx("html", testroot="site", srcdir="site-zh", confoverrides={"language": "zh_CN"})
def test_chinese_index_title_byline_and_downloads(app) -> None:
    app.build()
    html = read(app.outdir, "index.html")
    assert "<title>测试发布</title>" in html  # the page title is the release's, not "title — title"
    # the byline's labels and separator are publication.po's; the portal names the site, it is no source
    assert '<p class="szpub-byline">来源：测试日报\u3000发布时间：2024年1月26日 10:01</p>' in html
    x_default = [a["href"] for a in tags(html, "link", rel="alternate", hreflang="x-default")]
    assert x_default == [BASE]  # the language-choosing root
    downloads = [(a["href"], a["class"]) for a in tags(html, "a", download="")]
    assert downloads == [
        ("site-zh-cn.pdf", "download download-pdf"),
        ("site-figures-zh-cn.csv", "download download-csv"),
        ("site-figures-zh-cn.json", "download download-json"),
    ]
    assert ">下载PDF</a>" in html and ">CSV数据</a>" in html
    assert not (app.outdir / "_sources").exists()  # html_copy_source=False, and the folder is not even created
    assert not (app.outdir / "genindex.html").exists()


@pytest.mark.sphinx("html", testroot="site", srcdir="site-zh", confoverrides={"language": "zh_CN"})
def test_chinese_search_index_and_scripts(app) -> None:
    app.build()
    script = read(app.outdir, "searchindex.js")
    index = json.loads(script[script.index("(") + 1 : script.rindex(")")])
    article = index["docnames"].index("index")  # the section's words are found on the article

    def pages(word: str) -> set[int]:  # a word of a page's title is indexed in titleterms, not again in terms
        found = [index["terms"].get(word, []), index["titleterms"].get(word, [])]
        return {doc for docs in found for doc in ([docs] if isinstance(docs, int) else docs)}

    for word in ("人才", "航线", "海外", "一站式"):  # jieba's words
        assert pages(word) == {article}, word
    assert pages("深圳") == {article}
    assert index["alltitles"]["海外人才"] == [[article, "talent"]]  # a title search lands on its part
    language_data = read(app.outdir, "_static/language_data.js")
    assert "var EnglishStemmer=" in language_data
    assert "window.Stemmer = EnglishStemmer;" in language_data
    assert "ChineseStemmer" not in language_data


@pytest.mark.sphinx("html", testroot="site", srcdir="site-zh", confoverrides={"language": "zh_CN"})
def test_translations_js_comes_from_the_project_catalog(app) -> None:
    app.build()
    text = read(app.outdir, "_static/translations.js")
    data = json.loads(text.removeprefix("Documentation.addTranslations(").rstrip().removesuffix(");"))
    assert data["messages"]["Search Results"] == "检索结果"  # the project's sphinx.po, over Sphinx's "搜索结果"
    assert data["messages"]["Searching"] == "正在搜索中"  # fuzzy in the project: Sphinx's own stays
    assert data["messages"]["Download PDF"] == "下载PDF"
    assert "Search finished, found one page matching the search query." in data["messages"]
    assert data["plural_expr"] == "0"


@pytest.mark.sphinx("html", testroot="site", srcdir="site-en")
def test_source_language_page(app) -> None:
    app.build()
    html = read(app.outdir, "index.html")
    assert tags(html, "html")[0]["lang"] == "en"
    assert tags(html, "a", data_szpub_lang="zh-cn")[0]["href"] == "../zh-cn/index.html"
    assert tags(html, "a", data_szpub_lang="zh-cn")[0]["lang"] == "zh-CN"
    assert meta(html, "og:locale") == ["en_US"]
    assert meta(html, "og:locale:alternate") == ["zh_CN"]
    assert meta(html, "description")[0].startswith("Shenzhen will continue")
    assert "<title>Test release</title>" in html


@pytest.mark.slow
def test_plain_sphinx_build_is_quiet_and_warning_free(tmp_path: Path) -> None:
    """No jieba debug lines, no warning: sphinx-build -W of the Chinese site passes and says nothing."""
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", "-D", "language=zh_CN"]
    result = subprocess.run(
        [*command, "-d", str(tmp_path / "doctrees"), str(copy_root(tmp_path)), str(tmp_path / "out")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""


def test_chinese_build_without_jieba_says_so(tmp_path: Path) -> None:
    """Without jieba Sphinx would index no Chinese word at all, silently: szpub warns, naming the fix."""
    script = (
        "import sys; sys.modules['jieba'] = None\n"  # makes `import jieba` fail as if it were not installed
        "from sphinx.cmd.build import main; sys.exit(main(sys.argv[1:]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, "-b", "html", "-q", "-D", "language=zh_CN", "-d", str(tmp_path / "doctrees"),
         str(copy_root(tmp_path)), str(tmp_path / "out")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "WARNING: jieba is not installed: the Chinese search index will hold no Chinese words" in result.stderr
    assert "[szpub.search]" in result.stderr


def test_search_language_class_for_chinese() -> None:
    assert needs_stemmer_fix()  # Sphinx 9.0.x: english-stemmer.js loaded, "ChineseStemmer" named
    assert SearchChineseStemmed.lang == "zh"
    assert SearchChineseStemmed.js_stemmer_rawcode == ""  # so Sphinx inlines js_stemmer_code as given
    assert SearchChineseStemmed.js_stemmer_code.endswith("window.Stemmer = EnglishStemmer;")


def test_page_alternates() -> None:
    assert page_alternates("talent", ["en", "zh_CN"], "../") == [
        ("en", "../en/talent.html"),
        ("zh-CN", "../zh-cn/talent.html"),
        ("x-default", "../en/talent.html"),
    ]
    assert page_alternates("index", ["en", "zh_CN"], BASE)[-1] == ("x-default", BASE)
    assert page_alternates("index", ["en", "zh_CN"], "../")[-1] == ("x-default", "../index.html")


def _fake_site(root: Path, languages: dict[str, list[str]]) -> Path:
    site = root / "site"
    for folder, pages in languages.items():
        (site / folder).mkdir(parents=True)
        for page in [*pages, "search"]:
            (site / folder / f"{page}.html").write_text("<html></html>", encoding="utf-8")
    return site


def _project(root: Path, languages: tuple[str, ...], base_url: str = BASE) -> Project:
    return Project(root, languages[0], languages, "site", "Test release", base_url=base_url)


def test_root_and_sitemap_follow_the_configured_languages(tmp_path: Path) -> None:
    site = _fake_site(tmp_path, {"en": ["index", "talent"], "zh-cn": ["index", "talent"], "fr": ["index"]})
    result = write_root(_project(tmp_path, ("en", "zh_CN", "fr"), base_url=BASE.rstrip("/")), site)
    root = read(site, "index.html")
    links = [(a["href"], a["hreflang"]) for a in tags(root, "a")]
    assert links == [("en/index.html", "en"), ("zh-cn/index.html", "zh-CN"), ("fr/index.html", "fr")]
    for name in ("English", "简体中文", "Français"):
        assert f">{name}</a>" in root
    call = root[root.index("szpubGoToBestLanguage([") + len("szpubGoToBestLanguage(") : root.index(', "en");')]
    assert [(c["folder"], c["tag"]) for c in json.loads(call)] == [("en", "en"), ("zh-cn", "zh-CN"), ("fr", "fr")]
    assert result.sitemap == site / "sitemap.xml" and result.pages == 2
    urls = ET.parse(result.sitemap).getroot().findall("s:url", NS)
    locs = [url.find("s:loc", NS).text for url in urls]
    assert locs == [f"{BASE}{folder}/{page}.html" for page, folders in
                    (("index", ("en", "zh-cn", "fr")), ("talent", ("en", "zh-cn"))) for folder in folders]  # fmt: skip
    talent = [(link.get("hreflang"), link.get("href")) for link in urls[-1].findall("x:link", NS)]
    assert talent == [("en", f"{BASE}en/talent.html"), ("zh-CN", f"{BASE}zh-cn/talent.html"),
                      ("x-default", f"{BASE}en/talent.html")]  # fmt: skip


def test_no_sitemap_without_base_url(tmp_path: Path) -> None:
    site = _fake_site(tmp_path, {"en": ["index"], "zh-cn": ["index"]})
    result = write_root(_project(tmp_path, ("en", "zh_CN"), base_url=""), site)
    assert result.index == site / "index.html" and result.index.is_file()
    assert result.sitemap is None and not (site / "sitemap.xml").exists()


def test_published_site_every_page_has_alternates_and_a_same_page_switch(html_site: Path) -> None:
    folders = {lang_folder(language): lang_tag(language) for language in LANGUAGES}
    pages = sorted(path.name for path in (html_site / "en").glob("*.html"))
    moved = [f"{name}.html" for name in ("appendix", "connectivity", "diplomacy", "investment", "opening-up", "talent")]
    assert [page for page in pages if page in moved] == moved and "genindex.html" not in pages
    for folder in folders:
        for page in pages:
            html = read(html_site, f"{folder}/{page}")
            if page in moved:  # a short page that sends readers to its part of the article
                assert meta(html, "robots") == ["noindex"], (folder, page)
                continue
            hreflangs = [a["hreflang"] for a in tags(html, "link", rel="alternate") if "hreflang" in a]
            assert hreflangs == [*folders.values(), "x-default"], (folder, page)
            for other, hreflang in folders.items():
                if other != folder:
                    link = tags(html, "a", data_szpub_lang=other)
                    assert [a["href"] for a in link] == [f"../{other}/{page}"], (folder, page)
                    assert link[0]["hreflang"] == link[0]["lang"] == hreflang
    # the shipped conf.py has no szpub_base_url: relative links only, and no sitemap
    assert not (html_site / "sitemap.xml").exists()
    assert not tags(read(html_site, "en/index.html"), "link", rel="canonical")
