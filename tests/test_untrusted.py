"""Issue 10, translations: a hostile catalog never runs script, reads a file or breaks a page (published bytes)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import polib
import pytest

from conftest import ROOTS, copy_publication, run_szpub
from szpub.build.siteroot import root_index
from szpub.catalogs.safety import refusals

Built = tuple[Path, dict[str, subprocess.CompletedProcess[str]]]
HOSTILE = ROOTS / "test-untrusted"
# what the hostile catalogs would publish if anything got through (a file of the root, a system file,
# a substitution the root defines)
SECRETS = ("TOP-SECRET-7731", "PRETTY_NAME", "SUBSTITUTED-4412")
# index.po and sphinx.po lines of the refused messages (every msgid of test-untrusted's catalogs but the
# two that are plain text or inert, and the clean one)
REFUSED = {"index.po": [12, 15, 24, 27, 30, 33, 36, 39, 45, 48, 51, 54], "sphinx.po": [6, 9, 12, 15, 18, 21, 24]}

PAGE_PAYLOADS = [
    "'><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "```{include} /etc/hostname\n```",
    "```{literalinclude} /etc/passwd\n```",
    "```{raw} html\n<script>alert(1)</script>\n```",
    "```{eval-rst}\n.. raw:: html\n\n   <script>alert(1)</script>\n```",
    "~~~{include} secret.txt\n~~~",
    ":::{include} secret.txt\n:::",
    "文字{download}`secret.txt`",
    "文字{{sub}}",
    "文字{ref}`genindex`",
    "[文字](https://evil.example)",
    "文字\n\n[x]: https://evil.example",
    "# 标题",
    "- 列表",
    "> 引用",
    "文字\n\n---",
    "文字[^1]\n\n[^1]: 注",
    "$$\nx\n$$",
    "    缩进代码",
    "文字\n\n第二段",
]
# inert: markdown-it refuses these URL schemes, so MyST keeps them as text (asserted on the page below)
INERT_PAGE = ['" onload="alert(1)', "[文字](javascript:alert(1))", "![](file:///etc/passwd)", "*强调*和**粗**和`代码`"]
INTERFACE_PAYLOADS = [
    '搜索" onload="alert(1)',
    "搜索'><script>alert(1)</script>",
    "搜索</script><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '搜索\\"); alert(1); //',
    "搜索&lt;",
    "搜索%(evil)s",
    "搜索{0.__class__}",
]


@pytest.mark.parametrize("msgstr", PAGE_PAYLOADS)
def test_a_page_msgstr_may_carry_only_its_msgids_markup(msgstr: str) -> None:
    assert refusals("index", "Some text.", msgstr)


@pytest.mark.parametrize("msgstr", INERT_PAGE)
def test_text_and_inline_emphasis_are_allowed(msgstr: str) -> None:
    assert refusals("index", "Some text.", msgstr) == []


def test_markup_the_msgid_has_may_come_back() -> None:
    msgid = "See [the portal](https://www.sz.gov.cn) and {fact}`firms` firms.\n\n```{note}\nx\n```"
    assert refusals("index", msgid, "见{fact}`firms`家企业和[门户](https://www.sz.gov.cn)。\n\n```{note}\nx\n```") == []
    assert refusals("index", msgid, "见{fact}`other`家。") == ["the role {fact}`other` that the source lacks"]


@pytest.mark.parametrize("msgstr", INTERFACE_PAYLOADS)
def test_an_interface_msgstr_is_plain_text_with_the_msgids_placeholders(msgstr: str) -> None:
    assert refusals("sphinx", "Search", msgstr)
    assert refusals("publication", "Search", msgstr)


def test_bidi_controls_only_where_the_msgid_has_them() -> None:
    assert refusals("talent", "Up 86.6%.", "增长\u202e%6.68。") == [
        "a bidirectional control character (U+202E) that reorders what readers see: remove it"
    ]
    assert refusals("sphinx", "Search", "\u2067搜索\u2069")  # isolates too, in interface strings
    assert refusals("talent", "a \u2067b\u2069", "甲 \u2067乙\u2069") == []  # the source's own
    assert refusals("talent", "Up.", "增长\u200f。") == []  # the RLM mark right-to-left text needs


def test_placeholders_must_match_exactly() -> None:
    assert refusals("sphinx", "© %(year)s %(source)s", "版权所有 © %(year)s %(source)s") == []
    assert refusals("sphinx", "© %(year)s %(source)s", "版权所有 © %(year)s") != []


class _Page(HTMLParser):
    """What in a page can run script or fetch: event-handler attributes, script elements, URL attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.handlers: list[str] = []
        self.scripts: list[str] = []
        self.urls: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handlers += [f"{tag} {name}={value}" for name, value in attrs if name.startswith("on")]
        self.urls += [str(value) for name, value in attrs if name in ("href", "src", "action", "content")]
        if tag == "script":
            self.scripts.append(re.sub(r"\?v=\w+", "", dict(attrs).get("src") or "inline"))
            self._in_script = True

    def handle_endtag(self, tag: str) -> None:
        self._in_script = self._in_script and tag != "script"

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.scripts.append(f"inline:{data.strip()[:40]}")


def _script_urls(page: _Page) -> set[str]:
    return {url for url in page.urls if re.match(r"\s*(javascript|file|data|vbscript):", url, re.IGNORECASE)}


def _parsed(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _sphinx(root: Path, builder: str, language: str) -> subprocess.CompletedProcess[str]:
    """Plain ``sphinx-build`` (no szpub CLI), as an editor runs it."""
    out = f"_out/{builder}-{language}"
    command = [sys.executable, "-m", "sphinx", "-q", "-b", builder, "-D", f"language={language}", ".", out]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """test-untrusted built with plain sphinx-build: the clean English HTML, the hostile Chinese HTML and LaTeX."""
    root = tmp_path_factory.mktemp("untrusted") / "root"
    shutil.copytree(HOSTILE, root)
    results = {name: _sphinx(root, builder, lang) for name, builder, lang in
               [("clean", "html", "en"), ("html", "html", "zh_CN"), ("latex", "latex", "zh_CN")]}  # fmt: skip
    return root, results


@pytest.mark.slow
def test_plain_sphinx_build_names_every_refused_message_and_fails(hostile: Built) -> None:
    _root, results = hostile
    assert results["clean"].returncode == 0, results["clean"].stderr
    for name in ("html", "latex"):
        result = results[name]
        assert result.returncode != 0 and "Traceback" not in result.stderr
        for catalog, lines in REFUSED.items():
            for line in lines:
                assert re.search(rf"locales/zh_CN/LC_MESSAGES/{catalog}:{line}: .* \[szpub\.unsafe-translation\]",
                                 result.stderr), f"{name}: {catalog}:{line} not reported"  # fmt: skip


@pytest.mark.slow
def test_no_script_handler_or_script_url_that_the_clean_build_lacks(hostile: Built) -> None:
    root, _results = hostile
    for name in ("index.html", "search.html"):
        clean, page = _parsed(root / "_out/html-en" / name), _parsed(root / "_out/html-zh_CN" / name)
        assert page.handlers == [] and clean.handlers == []
        assert set(page.scripts) <= set(clean.scripts) | {"_static/translations.js"}, page.scripts
        assert _script_urls(page) <= _script_urls(clean) == {"data:,"}  # the theme's empty favicon
    text = (root / "_out/html-zh_CN/index.html").read_text(encoding="utf-8")
    assert "<p>[链接一](javascript:alert(1))</p>" in text  # inert text, not a link
    assert "<p>![密](file:///etc/passwd)</p>" in text
    assert "不可信的译文&quot; onload=&quot;alert(1)" in text  # text of a heading, escaped
    assert '<p lang="en">Include one.</p>' in text  # a refused message shows the source text
    assert '<p lang="en">See <a class="reference external" href="https://www.sz.gov.cn">the portal</a>.</p>' in text


@pytest.mark.slow
def test_no_file_or_substitution_is_published_in_html_or_latex(hostile: Built) -> None:
    root, _results = hostile
    for folder in ("html-zh_CN", "latex-zh_CN"):
        for path in (root / "_out" / folder).rglob("*"):
            if path.is_file() and ".doctrees" not in path.parts:  # Sphinx's cache, which szpub never publishes
                data = path.read_bytes()
                assert not [secret for secret in SECRETS if secret.encode() in data], path
    tex = next((root / "_out/latex-zh_CN").glob("*.tex")).read_text(encoding="utf-8")
    assert "Include one." in tex and "全市迎来" in tex  # the LaTeX was written, with the source text


@pytest.mark.slow
def test_translations_js_carries_only_plain_text_and_a_plural_expression(hostile: Built) -> None:
    root, _results = hostile
    text = (root / "_out/html-zh_CN/_static/translations.js").read_text(encoding="utf-8")
    data = json.loads(text.removeprefix("Documentation.addTranslations(").removesuffix(");\n"))
    assert re.fullmatch(r"[n0-9\s+\-*/%<>=!&|?:()]+", data["plural_expr"])
    assert data["messages"]["Searching"] == "搜索中"  # the clean message is published
    hostile = polib.pofile(str(HOSTILE / "locales/zh_CN/LC_MESSAGES/sphinx.po"))
    for entry in hostile:  # a refused msgstr is absent: Sphinx's own translation (or none) stands instead
        assert data["messages"].get(entry.msgid) != entry.msgstr or entry.msgid == "Searching", entry.msgid
    assert "alert" not in text and "onerror" not in text


@pytest.mark.slow
def test_searchindex_holds_no_markup_or_file(hostile: Built) -> None:
    root, _results = hostile
    text = (root / "_out/html-zh_CN/searchindex.js").read_text(encoding="utf-8")
    assert text.startswith("Search.setIndex(")
    for bad in ("<script", "onerror", "<img", *SECRETS):
        assert bad not in text


def test_a_plural_forms_expression_outside_gettexts_grammar_never_runs(make_app: Any, tmp_path: Path) -> None:
    srcdir = tmp_path / "root"
    shutil.copytree(HOSTILE, srcdir)
    path = srcdir / "locales/zh_CN/LC_MESSAGES/sphinx.po"
    catalog = polib.pofile(str(path))
    catalog.metadata["Plural-Forms"] = "nplurals=1; plural=(alert(document.domain), 0);"
    catalog.save(str(path))
    app = make_app("html", srcdir=srcdir, confoverrides={"language": "zh_CN"}, freshenv=True)
    app.build()
    text = (app.outdir / "_static/translations.js").read_text(encoding="utf-8")
    assert "alert" not in text and "document.domain" not in text


def test_the_root_index_escapes_titles_for_text_attributes_and_script() -> None:
    hostile_title = '" onload="alert(1)</script><script>alert(1)</script>'
    entries = [{"folder": "en", "tag": "en", "name": "English", "title": hostile_title}]
    page = _Page()
    text = root_index(entries, "en")
    page.feed(text)
    assert page.handlers == []
    assert page.scripts.count("inline") == 2  # szpub.js and its call: the title opened no third
    assert "&lt;/script&gt;&lt;script&gt;" in text


def _inject(root: Path, catalog: str, msgid_part: str, msgstr: str) -> int:
    """Sets the msgstr of the message whose msgid contains ``msgid_part`` (with polib, as a translator's tool
    would) and returns the line of its msgid as polib sees it."""
    path = root / "locales/zh_CN/LC_MESSAGES" / catalog
    po = polib.pofile(str(path), wrapwidth=76)
    entry = next(entry for entry in po if msgid_part in entry.msgid)
    entry.msgstr = msgstr
    po.save(str(path))
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(n for n, line in enumerate(lines) if msgid_part[:20] in line)
    return next(n + 1 for n in range(at, -1, -1) if lines[n].startswith("msgid"))


@pytest.mark.slow
def test_szpub_check_and_build_refuse_each_class_at_its_line(tmp_path: Path) -> None:
    root = copy_publication(tmp_path / "pub")
    fence = "为海外人才提供服务。\n\n```{literalinclude} /etc/passwd\n```"
    talent = _inject(root, "talent.po", "One-stop services for overseas talent", fence)
    interface = _inject(root, "sphinx.po", "Back to top", '返回顶部" onload="alert(1)')
    check = run_szpub(root, "check", "--lang", "zh_CN")
    output = check.stdout + check.stderr
    assert check.returncode == 1 and "Traceback" not in output
    assert re.search(rf"talent\.po:{talent}: \[unsafe\] a fenced block '``` {{literalinclude}}", output), output
    assert re.search(rf"sphinx\.po:{interface}: \[unsafe\] '\"' that the source lacks", output), output
    build = run_szpub(root, "build", "--format", "html", "--lang", "zh_CN")
    assert build.returncode == 1 and "Traceback" not in build.stderr
    assert not (root / "_build" / "site").exists()


@pytest.mark.parametrize("breakage", ["charset", "duplicate"])
@pytest.mark.slow
def test_a_catalog_the_strict_reader_refuses_publishes_none_of_its_messages(tmp_path: Path, breakage: str) -> None:
    """Babel (and so Sphinx) compiles a .po that szpub's reader refuses (another charset, a duplicate msgid):
    its messages must not be published unchecked."""
    root = tmp_path / "root"
    shutil.copytree(HOSTILE, root)
    folder = root / "locales/zh_CN/LC_MESSAGES"
    index = '"Language: zh_CN\\n"\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
    pages = 'msgid "Include one."\nmsgstr "```{include} secret.txt\\n```"\n'
    interface = 'msgid "Search"\nmsgstr "x\\" onload=\\"alert(1)\\" y=\\""\n'
    if breakage == "charset":
        index = index.replace("utf-8", "ISO-8859-1")
    else:  # Babel keeps the first of two entries
        pages += '\nmsgid "Include one."\nmsgstr "包含一"\n'
        interface += '\nmsgid "Search"\nmsgstr "搜索"\n'
    for name, body in (("index.po", pages), ("sphinx.po", interface)):
        (folder / name).write_text(f'msgid ""\nmsgstr ""\n{index}{body}', encoding="utf-8")
    result = _sphinx(root, "html", "zh_CN")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert re.search(r"locales/zh_CN/LC_MESSAGES/index\.po:\d+: .*\[szpub\.catalog\]", result.stderr), result.stderr
    out = root / "_out/html-zh_CN"
    page = _parsed(out / "index.html")
    assert page.handlers == [] and "TOP-SECRET-7731" not in (out / "index.html").read_text(encoding="utf-8")
    assert "Include one." in (out / "index.html").read_text(encoding="utf-8")  # the source text instead


@pytest.mark.slow
def test_a_deeply_nested_plural_forms_is_file_line_not_a_traceback(tmp_path: Path) -> None:
    root = copy_publication(tmp_path / "pub")
    path = root / "locales/zh_CN/LC_MESSAGES/talent.po"
    text = path.read_text(encoding="utf-8")
    line = text.splitlines().index('"Plural-Forms: nplurals=1; plural=0;\\n"') + 1
    nested = "(" * 200 + "0" + ")" * 200  # within the 500-character bound; 200 levels of recursive descent
    path.write_text(text.replace("plural=0;", f"plural={nested};"), encoding="utf-8")
    check = run_szpub(root, "check", "--lang", "zh_CN")
    output = check.stdout + check.stderr
    assert check.returncode == 1 and "Traceback" not in output, output[-2000:]
    assert re.search(rf"talent\.po:{line}: .*Plural-Forms .*nested too deeply", output), output[-2000:]
    msgfmt = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, check=False)
    assert msgfmt.returncode == 0  # GNU gettext reads it: only szpub's own parser was at fault
