"""Every check trips on a bad catalog and passes a good one; the shipped catalogs are clean."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, ROOTS, copy_publication, run_szpub
from szpub.catalogs import checks
from szpub.catalogs.pofiles import CatalogError, read_catalog
from szpub.core.figures import load_figures

FACTS = load_figures(ROOTS / "test-translations" / "figures.yaml")
GLOSSARY = [checks.Term("Shenzhen Daily", {"zh_CN": ("深圳日报",)})]
HEADER = 'msgid ""\nmsgstr ""\n"Language: zh_CN\\n"\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'

# check: (msgid, msgstr that trips it), (msgid, msgstr that passes every check)
CASES = {
    "untranslated": (("Hello world.", ""), ("Hello world.", "你好，世界。")),
    "roles": (("Up {fact}`firms` firms.", "企业增加了。"), ("Up {fact}`firms` firms.", "增加{fact}`firms`家企业。")),
    "facts": (
        ("Up {fact}`nope` firms.", "增加{fact}`nope`家企业。"),
        ("Up {fact}`firms` firms.", "增加{fact}`firms`家。"),
    ),
    "links": (
        ("See [the portal](https://www.sz.gov.cn).", "见[门户网站](https://evil.example)。"),
        ("See [the portal](https://www.sz.gov.cn).", "见[门户网站](https://www.sz.gov.cn)。"),
    ),
    "code": (
        ("Run `szpub build` now.", "现在运行`szpub 构建`。"),
        ("Run `szpub build` now.", "现在运行`szpub build`。"),
    ),
    "markup": (("A **major** step.", "重大的一步。"), ("A **major** step.", "**重大**的一步。")),
    "unrendered": (("A new kind of service.", "一种**“新型”**服务。"), ("A new kind of service.", "一种“新型”服务。")),
    "html": (("Read more.", "阅读更多<img src=x onerror=alert(1)>。"), ("Read more.", "阅读更多。")),
    "unsafe": (("Read more.", "阅读更多。\n\n```{include} /etc/hostname\n```"), ("Read more.", "阅读更多。")),
    "glossary": (
        ("Published by Shenzhen Daily.", "由深圳每日报发布。"),
        ("Published by Shenzhen Daily.", "由深圳日报发布。"),
    ),
    "punctuation": (("Shenzhen, a big city.", "深圳,一座大城市。"), ("Shenzhen, a big city.", "深圳，一座大城市。")),
    "identical": (("Back to top", "Back to top"), ("Back to top", "返回顶部")),
}


def _po(tmp_path: Path, msgid: str, msgstr: str, flags: str = "") -> Path:
    path = tmp_path / "index.po"
    flag_line = f"#, {flags}\n" if flags else ""
    entry = f"msgid {json.dumps(msgid, ensure_ascii=False)}\nmsgstr {json.dumps(msgstr, ensure_ascii=False)}\n"
    path.write_text(HEADER + flag_line + entry, encoding="utf-8")
    return path


def _findings(path: Path, *, release: bool = True) -> list[checks.Finding]:
    context = checks.Context("zh_CN", document=True, facts=FACTS, glossary=GLOSSARY)
    return checks.check_catalog("index.po", read_catalog(path, "zh_CN"), context, release=release)


@pytest.mark.parametrize("name", sorted(CASES))
def test_check_trips_on_a_bad_message(tmp_path: Path, name: str) -> None:
    (msgid, msgstr), _good = CASES[name]
    findings = _findings(_po(tmp_path, msgid, msgstr))
    assert {finding.check for finding in findings} == {name}
    assert str(findings[0]).startswith(f"index.po:6: [{name}] ")
    assert str(findings[0]).endswith(f': "{msgid}"')


@pytest.mark.parametrize("name", sorted(CASES))
def test_check_passes_a_good_message(tmp_path: Path, name: str) -> None:
    _bad, (msgid, msgstr) = CASES[name]
    assert _findings(_po(tmp_path, msgid, msgstr)) == []


def test_fuzzy_is_an_error_in_a_release_and_a_warning_in_a_draft(tmp_path: Path) -> None:
    path = _po(tmp_path, "Hello world.", "你好，世界。", flags="fuzzy")
    [finding] = _findings(path)
    assert (finding.check, finding.severity, finding.line) == ("fuzzy", "error", 7)
    [draft] = _findings(path, release=False)
    assert draft.severity == "warning"
    assert str(draft) == 'index.po:7: [fuzzy] warning: fuzzy: review it, then remove the fuzzy flag: "Hello world."'


def test_html_is_checked_in_interface_catalogs_too(tmp_path: Path) -> None:
    context = checks.Context("zh_CN", document=False)
    catalog = read_catalog(_po(tmp_path, "Search", "<b>搜索</b>"), "zh_CN")
    assert [f.check for f in checks.check_catalog("sphinx.po", catalog, context)] == ["html", "html"]
    latex = read_catalog(_po(tmp_path, "Shenzhen Daily", "深圳日报}\\input{x}"), "zh_CN")
    found = [f.message for f in checks.check_catalog("publication.po", latex, context)]
    assert found == [f"{mark!r} that the source lacks: template or LaTeX markup" for mark in ("\\", "{", "}")]


def test_an_added_image_is_a_link_the_source_lacks(tmp_path: Path) -> None:
    path = _po(tmp_path, "Read more.", "阅读更多。![](https://tracker.example/p.png)")
    assert [str(f) for f in _findings(path)] == [
        "index.po:6: [links] link 'https://tracker.example/p.png' is not in the source: \"Read more.\""
    ]


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ('msgid "a"\nmsgstr "b\n', 2, "badly quoted string"),
        ('msgid "a"\nmsgstr "b"\n\nhello world\n', 4, "not a .po keyword"),
        ('msgid "a"\n\nmsgid "b"\nmsgstr "c"\n', 1, "msgid without a msgstr"),
        ('msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', 4, "duplicate msgid (first at line 1)"),
        ('msgid "a"\nmsgstr "b"\n"c" extra\n', 3, "badly quoted string"),
        ('msgid "a"\nmsgstr "\xff"\n'.encode("latin-1"), 2, "not valid UTF-8"),
    ],
)
def test_syntax_errors_name_the_line(tmp_path: Path, text: str | bytes, line: int, problem: str) -> None:
    path = tmp_path / "bad.po"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    with pytest.raises(CatalogError) as raised:
        read_catalog(path, shown="bad.po")
    assert str(raised.value).startswith(f"bad.po:{line}: {problem}")


@pytest.mark.slow
def test_szpub_check_reports_file_line_check_and_msgid(tmp_path: Path) -> None:
    root = copy_publication(tmp_path / "pub")
    path = root / "locales/zh_CN/LC_MESSAGES/connectivity.po"
    text = path.read_text(encoding="utf-8")
    head, _, tail = text.rpartition("{fact}`port_shipping_routes`")  # the msgstr's, after the msgid's
    path.write_text(head + "248" + tail, encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text == 'msgid ""' and "Shenzhen Port" in lines[n])
    result = run_szpub(root, "check")
    assert result.returncode == 1
    assert re.search(
        rf"^locales/zh_CN/LC_MESSAGES/connectivity\.po:{line}: \[roles\] "
        r"role '{fact}`port_shipping_routes`' of the source is missing or changed: \".*\"$",
        result.stdout,
        re.MULTILINE,
    ), result.stdout
    data = json.loads(run_szpub(root, "check", "--json").stdout)
    assert data["errors"] == 1
    assert data["findings"][0] | {"msgid": ""} == {
        "path": "locales/zh_CN/LC_MESSAGES/connectivity.po", "line": line, "check": "roles", "severity": "error",
        "message": "role '{fact}`port_shipping_routes`' of the source is missing or changed", "msgid": "",
    }  # fmt: skip


# -- the shipped catalogs ------------------------------------------------------------------------------------

SHIPPED = REPO / "locales" / "zh_CN" / "LC_MESSAGES"


@pytest.mark.slow
def test_shipped_catalogs_pass_szpub_check(tmp_path: Path) -> None:
    result = run_szpub(copy_publication(tmp_path / "pub"), "check", "--json")  # a copy: check caches under _build
    assert result.returncode == 0, result.stdout
    assert json.loads(result.stdout)["findings"] == []


def test_shipped_catalogs_pass_msgfmt_check() -> None:
    for path in sorted(SHIPPED.glob("*.po")):
        result = subprocess.run(
            ["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0 and not result.stderr, result.stderr


_POFILTER_FINDING = r"# \(pofilter\) (\w+):.*\n(?:#.*\n)*msgid \"(.*)\""  # the check's name, the msgid


def test_shipped_catalogs_pass_pofilter(tmp_path: Path) -> None:
    pofilter = Path(sys.executable).parent / "pofilter"
    tests = [arg for name in ("numbers", "xmltags", "urls", "variables", "brackets", "endpunc") for arg in ("-t", name)]
    command = [str(pofilter), "--language=zh_CN", "--progress=none", *tests, str(SHIPPED), str(tmp_path / "out")]
    subprocess.run(command, capture_output=True, text=True, check=True)
    flagged = [
        (po.name, check, msgid)
        for po in sorted((tmp_path / "out").rglob("*.po"))
        for check, msgid in re.findall(_POFILTER_FINDING, po.read_text(encoding="utf-8"))
    ]
    # endpunc reads the Chinese ellipsis "……" as other punctuation than "...": a known false positive
    assert flagged == [("sphinx.po", "endpunc", "Preparing search...")]


@pytest.mark.slow
def test_shipped_catalogs_are_complete(tmp_path: Path) -> None:
    # on a copy: stat compares with the source and caches the extraction under _build/.szpub
    stats = json.loads(run_szpub(copy_publication(tmp_path / "pub"), "stat", "--json").stdout)
    total = next(row for row in stats if row["catalog"] == "total zh_CN")
    assert total["fuzzy"] == total["untranslated"] == 0
    assert total["translated"] > 60
    assert total["translation"]["characters"] > 0
