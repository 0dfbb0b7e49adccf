"""The article page (sections inlined, old pages redirect), its JSON-LD and feed, and publishing a copyable site."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import feedparser
import pytest
from lxml import html as lxml_html

from szpub.build import swap

ROOTS = Path(__file__).resolve().parent / "roots"
BASE = "https://news.example/releases/site/"
ATOM = {"a": "http://www.w3.org/2005/Atom"}
HOSTILE_TITLE = "Test release</script><script>alert(1)</script><!--"


def page(outdir: Path, name: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring((outdir / name).read_bytes())


def json_ld(tree: lxml_html.HtmlElement) -> list[dict]:
    return [json.loads(script.text) for script in tree.xpath('//script[@type="application/ld+json"]')]


@pytest.mark.sphinx("html", testroot="site", srcdir="article-zh", confoverrides={"language": "zh_CN"})
def test_the_article_holds_every_section_at_its_anchor(app) -> None:
    app.build()
    tree = page(app.outdir, "index.html")
    main = tree.get_element_by_id("main")
    part = main.get_element_by_id("talent")
    assert part.tag == "section" and part.xpath("./h2")[0].text_content().rstrip("¶") == "海外人才"
    assert "深圳为海外人才提供“一站式”服务" in part.text_content()
    # title, byline and lede come before the first part
    article = main.xpath("./section")[0]
    assert [child.tag for child in article][:3] == ["h1", "p", "p"] and "szpub-byline" in article[1].get("class")
    assert not main.xpath('.//*[contains(@class, "toctree-wrapper")]')
    assert tree.xpath('//aside//ul[@class="contents"]//a/@href') == ["#talent"]
    assert not tree.xpath('//*[contains(@class, "prev-next")]')


@pytest.mark.sphinx("html", testroot="site", srcdir="article-en")
def test_a_section_page_sends_readers_to_its_part(app) -> None:
    app.build()
    tree = page(app.outdir, "talent.html")
    assert tree.xpath('//meta[@http-equiv="refresh"]/@content') == ["0; url=index.html#talent"]
    assert tree.xpath('//link[@rel="canonical"]/@href') == [f"{BASE}en/index.html"]
    assert tree.xpath('//meta[@name="robots"]/@content') == ["noindex"]
    assert tree.xpath("//main//a/@href") == ["index.html#talent"]
    assert tree.xpath('//meta[@name="description"]/@content')[0].startswith("The city offers one-stop services")
    # other pages link into the article
    search = page(app.outdir, "search.html")
    assert search.xpath('//aside//ul[@class="contents"]//a/@href') == ["index.html#talent"]


@pytest.mark.sphinx("html", testroot="site", srcdir="article-jsonld-zh", confoverrides={"language": "zh_CN"})
def test_chinese_news_article_json_ld(app) -> None:
    app.build()
    (article,) = json_ld(page(app.outdir, "index.html"))
    assert article["@type"] == "NewsArticle" and article["@context"] == "https://schema.org"
    assert article["headline"] == "测试发布"
    assert article["description"] == "深圳市政府周四召开新闻发布会。会上介绍，深圳将继续推进更高水平对外开放。"
    assert article["datePublished"] == article["dateModified"] == "2024-01-26T10:01:00+08:00"
    assert article["inLanguage"] == "zh-CN"
    assert article["publisher"] == {"@type": "Organization", "name": "测试门户"}
    assert article["author"] == article["sourceOrganization"] == {"@type": "Organization", "name": "测试日报"}
    assert article["url"] == f"{BASE}zh-cn/index.html"
    assert article["translationOfWork"]["@id"] == f"{BASE}en/index.html"
    assert article["translationOfWork"]["inLanguage"] == "en"
    assert "workTranslation" not in article
    assert not json_ld(page(app.outdir, "search.html"))  # the article's metadata is on the article only


@pytest.mark.sphinx(
    "html", testroot="site", srcdir="article-jsonld-en", confoverrides={"szpub_base_url": ""}
)
def test_source_json_ld_lists_translations_and_stays_a_script_with_a_hostile_title(app) -> None:
    app.config.szpub_release = {**app.config.szpub_release, "title": HOSTILE_TITLE}
    app.build()
    text = (app.outdir / "index.html").read_text(encoding="utf-8")
    script = text[text.index('<script type="application/ld+json">') :]
    body = script[len('<script type="application/ld+json">') : script.index("</script>")]
    assert "</" not in body and "<!--" not in body  # the title cannot end or hide the element
    article = json.loads(body)
    assert article["headline"] == HOSTILE_TITLE
    assert article["url"] == "../en/index.html"  # no base URL: relative
    # the Chinese catalog has no such title: its edition's headline is the untranslated one
    assert article["workTranslation"] == [
        {"@type": "NewsArticle", "@id": "../zh-cn/index.html", "inLanguage": "zh-CN", "headline": HOSTILE_TITLE}
    ]


@pytest.mark.sphinx("html", testroot="site", srcdir="article-feed-zh", confoverrides={"language": "zh_CN"})
def test_an_atom_feed_per_language(app) -> None:
    app.build()
    feed_path = app.outdir / "feed.xml"
    root = ET.parse(feed_path).getroot()
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-CN"
    (entry,) = root.findall("a:entry", ATOM)
    assert entry.findtext("a:id", namespaces=ATOM) == "tag:szpub,2024:site/zh-cn"
    parsed = feedparser.parse(feed_path.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "测试门户"
    (item,) = parsed.entries
    assert item.title == "测试发布" and item.link == f"{BASE}zh-cn/index.html"
    assert item.published == "2024-01-26T10:01:00+08:00" and item.author == "测试日报"
    assert item.summary.startswith("深圳市政府周四召开新闻发布会")
    # every page links it
    for name in ("index.html", "search.html"):
        links = page(app.outdir, name).xpath('//link[@type="application/atom+xml"]')
        assert [(link.get("rel"), link.get("href")) for link in links] == [("alternate", "feed.xml")]


def test_plain_build_without_base_url_says_so_once(tmp_path: Path) -> None:
    source = Path(shutil.copytree(ROOTS / "test-site", tmp_path / "src"))
    args = ["-b", "html", "-W", "-c", str(source), "-D", "szpub_base_url=", str(source), str(tmp_path / "out")]
    result = subprocess.run([sys.executable, "-m", "sphinx", *args], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("szpub_base_url is empty") == 1, result.stdout
    assert "WARNING" not in result.stderr


def _folder(path: Path, text: str) -> Path:
    path.mkdir()
    (path / "index.html").write_text(text, encoding="utf-8")
    return path


def test_swap_exchanges_two_real_folders(tmp_path: Path) -> None:
    site, staging = _folder(tmp_path / "site", "old"), _folder(tmp_path / "site-new", "new")
    before = site.stat().st_ino
    swap.swap_in(site, staging)
    assert not site.is_symlink() and (site / "index.html").read_text() == "new"
    assert (staging / "index.html").read_text() == "old"  # the previous site, for the caller to remove
    assert swap.site_id(site) != f"inode:{before}"


def test_swap_replaces_an_older_szpubs_link_with_a_folder(tmp_path: Path) -> None:
    _folder(tmp_path / "site-old", "old")
    (tmp_path / "site").symlink_to("site-old")
    staging = _folder(tmp_path / "site-new", "new")
    swap.swap_in(tmp_path / "site", staging)
    assert not (tmp_path / "site").is_symlink() and (tmp_path / "site" / "index.html").read_text() == "new"
    assert staging.is_symlink()  # the old link, now at the staging name


def test_swap_without_renameat2_falls_back_to_two_renames(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(swap, "exchange", lambda first, second: False)
    site, staging = _folder(tmp_path / "site", "old"), _folder(tmp_path / "site-new", "new")
    swap.swap_in(site, staging)
    assert (site / "index.html").read_text() == "new"
    assert [path.name.startswith("site-new-old-") for path in tmp_path.glob("site-*")] == [True]


def test_first_publish_is_a_rename(tmp_path: Path) -> None:
    staging = _folder(tmp_path / "site-new", "new")
    swap.swap_in(tmp_path / "site", staging)
    assert (tmp_path / "site" / "index.html").read_text() == "new" and not staging.exists()


@pytest.mark.slow
def test_cp_r_of_the_site_is_a_working_copy(site: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    subprocess.run(["cp", "-r", str(site), str(copy)], check=True)
    assert not [path for path in copy.rglob("*") if path.is_symlink()]
    for folder in ("en", "zh-cn"):
        tree = page(copy, f"{folder}/index.html")
        for href in tree.xpath('//a[@download]/@href | //a[@data-szpub-lang]/@href | //link[@rel="stylesheet"]/@href'):
            assert (copy / folder / href.split("#")[0].split("?")[0]).resolve().is_file(), (folder, href)
        assert (copy / folder / "feed.xml").is_file()
