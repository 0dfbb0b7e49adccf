"""The published site in a real browser: Debian's chromium driven by Playwright, pages served over HTTP."""

from __future__ import annotations

import json
import os
import shutil
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from conftest import LANGUAGES, PUBLICATION, lang_folder, lang_tag

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # every page of the built site (PDFs linked), audited

REPO = Path(__file__).resolve().parent.parent
CHROMIUM_ENV = "SZPUB_CHROMIUM"  # the browser to drive; else chromium or chromium-browser on PATH
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
FOLDERS = {"en": "en-US", "zh-cn": "zh-CN"}
QUERIES = {"en": "Shenzhen", "zh-cn": "深圳"}  # the search page is audited with its results shown
PHONE = {"width": 390, "height": 844}
# Each language's name in itself, written by hand: what the root page and the switcher must show.
SELF_NAMES = {"en": "English", "zh_CN": "简体中文", "zh_HK": "繁體中文"}
# A reader's browser language, and the published folders that serve them, best first (the same script
# before the other): the root page must send them to the first one the publication has, else the source.
PREFERRED = {
    "zh-CN": ("zh-cn", "zh-hk"), "zh-SG": ("zh-cn", "zh-hk"),
    "zh-TW": ("zh-hk", "zh-cn"), "zh-HK": ("zh-hk", "zh-cn"), "zh-MO": ("zh-hk", "zh-cn"),
    "en-US": ("en",), "de-DE": (),
}  # fmt: skip
PUBLISHED = {lang_folder(language): lang_tag(language) for language in LANGUAGES}  # folder -> its pages' lang=


def landing(locale: str) -> str:
    """The folder the root page must send a reader whose browser speaks ``locale`` to."""
    return next((found for found in PREFERRED[locale] if found in PUBLISHED), lang_folder(PUBLICATION.source_language))


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    """The published site over HTTP on 127.0.0.1 (an ephemeral port), as a web server would serve it."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(site.resolve())))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def find_chromium() -> str:
    """$SZPUB_CHROMIUM, or chromium / chromium-browser on PATH; a test failure naming both when there is none."""
    chosen = os.environ.get(CHROMIUM_ENV)
    if chosen:
        if not os.access(chosen, os.X_OK):
            pytest.fail(f"{CHROMIUM_ENV}={chosen} is not an executable file")
        return chosen
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail(
            f"no Chromium: set {CHROMIUM_ENV}=/path/to/chromium or put chromium on PATH"
            " (make test installs Debian's chromium; on Ubuntu it is a snap, see scripts/system-packages.sh)"
        )
    return found


@contextmanager
def reader(browser: Browser, **options: Any) -> Iterator[tuple[BrowserContext, list[str]]]:
    """A fresh browser profile (no stored choice) and the script errors and console errors of its pages."""
    context = browser.new_context(**options)
    errors: list[str] = []

    def watch(page: Page) -> None:
        page.on("console", lambda message: message.type == "error" and errors.append(f"{page.url}: {message.text}"))
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))

    context.on("page", watch)
    try:
        yield context, errors
    finally:
        context.close()


def wait_for_results(page: Page) -> None:
    """Until the search has finished (its summary line, empty while searching, is written at the end) and every
    result shows its quoted text (each result fetches its page on its own)."""
    page.wait_for_function(
        "() => (document.querySelector('#search-results p.search-summary')?.innerText ?? '') !== ''"
        " && document.querySelectorAll('#search-results p.context').length"
        " === document.querySelectorAll('#search-results ul.search li').length"
    )


# tables whose box leaves the viewport without being (inside) a horizontal scroller that is focusable
TABLES_FIT = """() => [...document.querySelectorAll("main table")].filter((table) => {
  const box = table.getBoundingClientRect();
  if (box.left >= 0 && box.right <= window.innerWidth) return false;
  const scroller = table.closest("*:is(table, div)");
  const style = getComputedStyle(scroller);
  const scrolls = ["auto", "scroll"].includes(style.overflowX) && scroller.clientWidth <= window.innerWidth;
  return !(scrolls && scroller.tabIndex >= 0);
}).map((table) => table.outerHTML.slice(0, 80))"""


def pages_of(folder: str) -> list[str]:
    """The pages a reader reads (the article, the translators' guide); the moved section pages only redirect."""
    return ["index.html", "translators-guide.html"]


def pages(site: Path, folder: str) -> list[str]:
    """Every page a reader sees: not the moved section pages, which only send the browser to the article."""
    found = sorted((site / folder).glob("*.html"))
    return [path.name for path in found if 'http-equiv="refresh"' not in path.read_text(encoding="utf-8")]


@pytest.mark.parametrize(("locale", "expected"), [(locale, landing(locale)) for locale in PREFERRED])
def test_root_sends_the_reader_to_their_language(browser: Browser, server: str, locale: str, expected: str) -> None:
    with reader(browser, locale=locale) as (context, errors):
        page = context.new_page()
        page.goto(f"{server}/")
        page.wait_for_url(f"{server}/{expected}/index.html")
        assert page.locator("html").get_attribute("lang") == PUBLISHED[expected]
        assert errors == []


def test_root_without_javascript_links_each_language_named_in_itself(browser: Browser, server: str) -> None:
    with reader(browser, locale="zh-CN", java_script_enabled=False) as (context, _errors):
        page = context.new_page()
        page.goto(f"{server}/index.html")
        assert page.url == f"{server}/index.html"
        links = page.locator("main a")
        assert links.all_inner_texts() == [SELF_NAMES[language] for language in LANGUAGES]
        assert [links.nth(i).get_attribute("href") for i in range(len(LANGUAGES))] == [
            f"{lang_folder(language)}/index.html" for language in LANGUAGES
        ]
        for language in LANGUAGES:
            assert page.locator(f"li[lang='{lang_tag(language)}']").count() == 1, language
        links.nth(LANGUAGES.index("zh_CN")).click()
        page.wait_for_url(f"{server}/zh-cn/index.html")


def test_switcher_keeps_the_page_and_the_choice_is_remembered(browser: Browser, server: str) -> None:
    with reader(browser, locale="en-US") as (context, errors):
        page = context.new_page()
        page.goto(f"{server}/en/talent.html")  # an old link: lands on its part of the article
        page.wait_for_url(f"{server}/en/index.html#talent")
        english_heading = page.locator("#talent h2").inner_text()
        assert page.evaluate("document.getElementById('talent').getBoundingClientRect().top") < 100  # scrolled to it
        page.locator(".language-switcher a[hreflang='zh-CN']").click()
        page.wait_for_url(f"{server}/zh-cn/index.html#talent")  # the switch keeps the anchor
        assert page.locator("html").get_attribute("lang") == "zh-CN"
        assert page.locator("#talent h2").inner_text() not in ("", english_heading)
        assert page.locator(".language-switcher [aria-current]").inner_text() == "简体中文"
        # an English browser that chose Chinese is sent to Chinese from now on
        page.goto(f"{server}/")
        page.wait_for_url(f"{server}/zh-cn/index.html")
        page.goto(f"{server}/zh-cn/index.html#appendix")
        page.locator(".language-switcher a[hreflang='en']").click()
        page.wait_for_url(f"{server}/en/index.html#appendix")
        page.goto(f"{server}/")
        page.wait_for_url(f"{server}/en/index.html")
        assert errors == []


@pytest.mark.parametrize(
    ("query", "first", "also", "slug"),
    [("深圳", "index.html", set(), "shenzhen"), ("人才", "index.html", set(), "talent"),
     ("航线", "index.html", set(), "routes")],
)  # fmt: skip
def test_chinese_search_finds_the_right_pages(
    browser: Browser, server: str, site: Path, query: str, first: str | None, also: set[str], slug: str
) -> None:
    with reader(browser, locale="zh-CN") as (context, errors):
        page = context.new_page()
        page.goto(f"{server}/zh-cn/search.html?q={urllib.parse.quote(query)}")
        wait_for_results(page)
        summary = page.locator("#search-results p.search-summary")
        assert summary.inner_text().startswith("搜索完成"), summary.inner_text()  # Chinese interface strings
        links = page.locator("#search-results ul.search li a")
        found = links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert found, f"no result for {query}"
        if first:
            assert found[0].split("?")[0].split("#")[0] == first  # the article: sections are parts of it
        assert also <= set(found)
        for href in found:  # every result is a page that holds the word
            assert query in (site / "zh-cn" / href.split("#")[0]).read_text(encoding="utf-8"), href
        assert page.locator("#search-results h2").inner_text() == "搜索结果"
        snippets = page.locator("#search-results p.context").all_inner_texts()
        # the quoted text is the page's, not its navigation
        assert snippets and not any("上一篇" in text or "下一篇" in text for text in snippets)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"zh-cn-search-{slug}.png"), full_page=True)
        assert errors == []


def _summary(violation: dict[str, Any]) -> dict[str, Any]:
    nodes = [node["target"] for node in violation["nodes"]]
    return {"id": violation["id"], "impact": violation["impact"], "help": violation["help"], "nodes": nodes}


@pytest.fixture(scope="module")
def audit(browser: Browser, server: str, site: Path) -> dict[str, dict[str, Any]]:
    """Every page of every language (search with a query) loaded once: its errors and axe-core's violations.

    The Chinese pages are audited again in the dark colour scheme (the theme has one).
    """
    assert AXE.is_file(), f"{AXE} is missing: run `make setup` (npm ci installs axe-core)"
    results: dict[str, dict[str, Any]] = {}
    for folder, scheme in [*((folder, "light") for folder in FOLDERS), ("zh-cn", "dark")]:
        with reader(browser, locale=FOLDERS[folder], color_scheme=scheme) as (context, errors):
            page = context.new_page()
            for name in pages(site, folder):
                query = "?q=" + urllib.parse.quote(QUERIES[folder]) if name == "search.html" else ""
                url = f"{folder}/{name}{query}" + (" (dark)" if scheme == "dark" else "")
                errors.clear()
                page.goto(f"{server}/{folder}/{name}{query}", wait_until="load")
                if name == "search.html":
                    wait_for_results(page)
                page.add_script_tag(path=str(AXE))
                axe = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
                results[url] = {"errors": list(errors), "violations": [_summary(v) for v in axe["violations"]]}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "axe-results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return results


def test_every_page_loads_without_console_errors(audit: dict[str, dict[str, Any]], site: Path) -> None:
    assert len(audit) == len(pages(site, "en")) + 2 * len(pages(site, "zh-cn"))
    assert {url: result["errors"] for url, result in audit.items() if result["errors"]} == {}


def test_no_serious_or_critical_accessibility_violation(audit: dict[str, dict[str, Any]]) -> None:
    serious = {
        url: [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        for url, result in audit.items()
    }
    assert {url: found for url, found in serious.items() if found} == {}


@pytest.mark.parametrize("folder", FOLDERS)
def test_phone_print_and_screenshots(browser: Browser, server: str, folder: str) -> None:
    """Screenshots for people to look at (tests/artifacts/), and the layout facts they should show."""
    ARTIFACTS.mkdir(exist_ok=True)
    with reader(browser, locale=FOLDERS[folder], viewport={"width": 1280, "height": 900}) as (context, errors):
        page = context.new_page()
        page.goto(f"{server}/{folder}/index.html")
        page.screenshot(path=str(ARTIFACTS / f"{folder}-index-desktop.png"), full_page=True)
        assert page.locator(".site-nav").is_visible()
        page.emulate_media(media="print")
        for hidden in (".masthead", ".site-nav"):
            assert page.locator(hidden).evaluate("element => getComputedStyle(element).display") == "none", hidden
        assert page.locator(".szpub-byline").first.is_visible()  # date and source stay on paper
        page.screenshot(path=str(ARTIFACTS / f"{folder}-index-print.png"), full_page=True)
        assert errors == []
    with reader(browser, locale=FOLDERS[folder], viewport=PHONE, is_mobile=True, has_touch=True) as (context, errors):
        page = context.new_page()
        for name in [*pages_of(folder), "search.html"]:
            page.goto(f"{server}/{folder}/{name}")
            width = page.evaluate("window.innerWidth")
            assert page.evaluate("document.scrollingElement.scrollWidth") <= width, name  # no sideways scrolling
            assert page.evaluate(TABLES_FIT) == [], name
        page.goto(f"{server}/{folder}/index.html")
        assert page.locator(".language-switcher").is_visible()
        page.screenshot(path=str(ARTIFACTS / f"{folder}-article-phone.png"), full_page=True)
        page.goto(f"{server}/{folder}/index.html#appendix")
        page.screenshot(path=str(ARTIFACTS / f"{folder}-appendix-phone.png"))
        assert errors == []


def test_no_script_from_a_hostile_catalog_runs(browser: Browser, tmp_path: Path) -> None:
    """Issue 10: pages built with plain sphinx-build from tests/roots/test-untrusted (exit non-zero, output
    written) open without a dialog or a script error, the search page with a query over the hostile words."""
    import shutil
    import subprocess
    import sys

    root = tmp_path / "root"
    shutil.copytree(Path(__file__).resolve().parent / "roots" / "test-untrusted", root)
    command = [sys.executable, "-m", "sphinx", "-q", "-b", "html", "-D", "language=zh_CN", ".", "out"]
    assert subprocess.run(command, cwd=root, capture_output=True, check=False).returncode != 0
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(root / "out")))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    dialogs: list[str] = []
    try:
        with reader(browser) as (context, errors):
            page = context.new_page()
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            base = f"http://127.0.0.1:{httpd.server_port}"
            query = urllib.parse.quote("alert 引文 搜索")
            for path in ("index.html", f"search.html?q={query}", "search.html?q=onload"):
                page.goto(f"{base}/{path}")
                page.wait_for_load_state("load")
                if path.startswith("search"):
                    page.wait_for_function(
                        "() => (document.querySelector('#search-results p.search-summary')?.innerText ?? '') !== ''"
                    )
                page.mouse.move(200, 200)  # an onmouseover would fire here
            assert errors == []
            assert "全市迎来" in page.goto(f"{base}/index.html").text()  # type: ignore[union-attr]
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert dialogs == []
