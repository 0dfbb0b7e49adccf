"""szpub serve: rebuild order, the page script and error overlay it serves, reloads pushed to open pages."""

from __future__ import annotations

import json
import re
import threading
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import LANGUAGES, TARGETS, copy_publication, lang_folder
from szpub.build import serve
from szpub.build.targets import BuildResult
from szpub.core import l10n
from szpub.core.project import find_project


class _Page(HTMLParser):
    """The parts of a served page the preview adds: script sources, the overlay's text, the root's titles."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.overlay: list[str] = []
        self.titles: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src"):
            self.scripts.append(str(attributes["src"]))
        if attributes.get("id") == serve.OVERLAY_ID:
            self._in.append("overlay")
        elif tag == "span" and attributes.get("class") == "title":
            self._in.append("title")
        elif self._in:
            self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._in:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if "overlay" in self._in:
            self.overlay.append(data)
        elif self._in[-1:] == ["title"]:
            self.titles.append(data)


def parse(page: bytes) -> _Page:
    parsed = _Page()
    parsed.feed(page.decode("utf-8"))
    return parsed


def test_a_catalog_change_rebuilds_its_language_first(tmp_path: Path) -> None:
    project = find_project(copy_publication(tmp_path))
    catalog = project.catalog_dir("zh_CN") / "talent.po"
    assert project.languages == LANGUAGES
    others = [language for language in LANGUAGES if language != "zh_CN"]  # the source first, as configured
    assert serve.passes(project, {catalog}) == [["zh_CN"], others]
    assert serve.passes(project, {project.docs / "talent.md"}) == [["en"], list(TARGETS)]
    assert serve.passes(project, {project.root / "conf.py"}) == [["en"], list(TARGETS)]
    assert serve.passes(project, None) == [list(LANGUAGES)]


def test_the_overlay_quotes_errors_as_text_and_the_script_is_added() -> None:
    error = 'locales/zh_CN/LC_MESSAGES/talent.po:42: msgstr carries <script>alert(1)</script>'
    page = b"<!DOCTYPE html><html><head></head><body><p>text</p></body></html>"
    served = parse(serve.inject(page, [error]))
    assert served.scripts == [serve.SCRIPT]  # the error's <script> is text, not an element
    assert error in "".join(served.overlay)
    assert parse(serve.inject(page, [])).overlay == []
    assert serve.inject(page, []).endswith(b"</body></html>")


class _Events:
    """The preview's event stream, read in a thread as a browser's EventSource reads it."""

    def __init__(self, url: str) -> None:
        self.received: list[tuple[str, object]] = []
        self._arrived = threading.Condition()
        self._response = urllib.request.urlopen(url + serve.EVENTS.lstrip("/"), timeout=120)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        kind = ""
        for raw in self._response:
            line = raw.decode("utf-8").rstrip("\n")
            if line.startswith("event: "):
                kind = line.removeprefix("event: ")
            elif line.startswith("data: "):
                with self._arrived:
                    self.received.append((kind, json.loads(line.removeprefix("data: "))))
                    self._arrived.notify_all()

    def next(self, timeout: float = 120) -> tuple[str, object]:
        with self._arrived:
            assert self._arrived.wait_for(lambda: self.received, timeout), "no event from the preview"
            return self.received.pop(0)


class _Passes:
    """The languages of each build pass the preview finished, in order (the watcher's report callback)."""

    def __init__(self) -> None:
        self.done: list[list[str]] = []
        self._finished = threading.Condition()

    def report(self, result: BuildResult) -> None:
        with self._finished:
            self.done.append(sorted(target.target.language for target in result.results))  # in any order
            self._finished.notify_all()

    def wait_for(self, languages: list[str], after: int, timeout: float = 120) -> None:
        """Until a pass of ``languages`` has finished since ``after`` passes: a change's last pass, the preview idle."""
        with self._finished:
            finished = self._finished.wait_for(lambda: sorted(languages) in self.done[after:], timeout)
            assert finished, f"no pass of {languages} after {self.done[:after]}: {self.done[after:]}"


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[Path, str, _Passes]]:
    """szpub serve's server and watcher on a copy of the publication, after its first build."""
    root = copy_publication(tmp_path / "publication")
    project = find_project(root)
    project.build_dir.mkdir()
    running = serve.start(project.site, 0)
    stop = threading.Event()
    passes = _Passes()
    thread = threading.Thread(target=serve.watch, args=(root, running.notices, passes.report, stop), daemon=True)
    thread.start()
    passes.wait_for(list(LANGUAGES), after=0, timeout=300)  # the first build: every language at once
    try:
        yield root, running.url, passes
    finally:
        stop.set()
        thread.join(30)
        running.close()


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return bytes(response.read())


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path}: {old!r} not found"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.slow
def test_serve_reloads_the_edited_language_shows_errors_and_rereads_conf(preview: tuple[Path, str, _Passes]) -> None:
    root, url, passes = preview
    events = _Events(url)
    catalogs = root / "locales" / "zh_CN" / "LC_MESSAGES"
    assert parse(get(url + "zh-cn/talent.html")).scripts[-1] == serve.SCRIPT
    assert serve.SCRIPT not in (root / "_build" / "site" / "zh-cn" / "talent.html").read_text(encoding="utf-8")

    # a title's translation: zh-cn is published alone, and the root page shows the new title
    edit(catalogs / "publication.po", 'msgstr "深圳将推进更高水平对外开放"', 'msgstr "深圳将推进更高水平开放"')
    assert events.next() == ("reload", ["zh-cn"])
    learners = sorted(lang_folder(language) for language in TARGETS if l10n.word_source(language) == "zh_CN")
    if learners:  # then the languages whose search index learns the zh_CN catalogs' words (zh_HK)
        assert events.next() == ("reload", learners)
    assert "深圳将推进更高水平开放" in parse(get(url)).titles

    # a msgstr with markup its msgid lacks: the error, with file:line, on every page until fixed
    talent = catalogs / "talent.po"
    original = talent.read_text(encoding="utf-8")
    position = original.rstrip().rfind('"')
    talent.write_text(original[:position] + "<b>粗体</b>" + original[position:], encoding="utf-8")
    kind, errors = events.next()
    assert kind == "failed"
    assert any(re.search(r"locales/zh_CN/LC_MESSAGES/talent\.po:\d+", line) for line in errors)  # type: ignore[union-attr]
    overlay = "".join(parse(get(url + "en/index.html")).overlay)
    assert re.search(r"talent\.po:\d+", overlay), overlay
    assert serve.OVERLAY_ID not in (root / "_build" / "site" / "en" / "index.html").read_text(encoding="utf-8")
    before_fix = len(passes.done)
    talent.write_text(original, encoding="utf-8")
    assert events.next() == ("reload", ["zh-cn"])
    assert parse(get(url + "en/index.html")).overlay == []
    others = [language for language in LANGUAGES if language != "zh_CN"]
    passes.wait_for(others, after=before_fix)  # the other languages' pass too: nothing of the fix still builds

    # conf.py is read again: a new title shows on the root page without restarting the preview
    edit(root / "conf.py", '"title": "City to advance higher-level opening up"', '"title": "City opens up further"')
    translated = sorted(map(lang_folder, TARGETS))
    assert [events.next(), events.next()] == [("reload", ["en"]), ("reload", translated)]  # the source first
    assert "City opens up further" in parse(get(url)).titles
