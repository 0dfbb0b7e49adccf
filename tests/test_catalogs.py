"""``szpub update``, ``stat`` and ``add-language`` on copies of the real publication."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from conftest import LANGUAGES, TARGETS, copy_publication, run_szpub
from szpub.catalogs.pofiles import read_catalog, render_catalog
from szpub.catalogs.update import normalize_language, similarity
from szpub.core.conffile import add_to_list
from szpub.core.errors import SzpubError

OPENING_UP = "locales/zh_CN/LC_MESSAGES/opening-up.po"
CATALOGS_PER_LANGUAGE = 9  # the seven pages', publication.po and sphinx.po (the translators' guide has none)
UNCHANGED = f"0 created, 0 updated, {CATALOGS_PER_LANGUAGE * len(TARGETS)} unchanged"  # a second update, every language
LONG = (
    "The city, which is accelerating the construction of a modern international metropolis with global influence, "
    "will steadily promote institutional opening up in the areas of trade of goods and services, digital trade, "
    "and investment, said Cao Saixian, director general of Shenzhen Municipal Foreign Affairs Office."
)
REMOVED = (
    "Shenzhen will accelerate the introduction and establishment of international organizations and promote the "
    "establishment of the World Innovative Cities Cooperation Organization."
)


@pytest.fixture(scope="module")
def updated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the publication after one ``szpub update`` (which normalizes the catalogs once)."""
    root = copy_publication(tmp_path_factory.mktemp("updated"))
    result = run_szpub(root, "update")
    assert result.returncode == 0, result.stderr
    return root


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "locales").rglob("*")) if p.is_file()}


def _copy(updated: Path, tmp_path: Path) -> Path:
    root = copy_publication(tmp_path / "pub")
    for path in (updated / "locales").rglob("*.po"):
        (root / path.relative_to(updated)).write_bytes(path.read_bytes())
    return root


def test_update_twice_leaves_every_file_byte_identical(updated: Path) -> None:
    before = _snapshot(updated)
    result = run_szpub(updated, "update")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith(UNCHANGED)
    assert _snapshot(updated) == before


def test_update_writes_canonical_headers_and_no_brace_format(updated: Path) -> None:
    for path in (updated / "locales" / "zh_CN" / "LC_MESSAGES").glob("*.po"):
        text = path.read_text(encoding="utf-8")
        assert '"Language: zh_CN\\n"' in text
        assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in text
        assert '"Project-Id-Version: shenzhen-opening-up-2024-01-26 2024-01-26\\n"' in text
        assert "python-brace-format" not in text
        assert "#: ../" not in text  # locations relative to the publication
        result = subprocess.run(
            ["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
    assert "#: docs/opening-up.md:3" in (updated / OPENING_UP).read_text(encoding="utf-8")


@pytest.mark.slow
def test_one_word_edit_of_a_long_paragraph_keeps_its_translation_fuzzy(updated: Path, tmp_path: Path) -> None:
    root = _copy(updated, tmp_path)
    old = read_catalog(root / OPENING_UP, "zh_CN")[LONG].string
    edited = LONG.replace("steadily", "gradually")
    source = root / "docs" / "opening-up.md"
    source.write_text(source.read_text(encoding="utf-8").replace(LONG, edited), encoding="utf-8")
    result = run_szpub(root, "update")
    assert result.returncode == 0, result.stderr
    assert f"{OPENING_UP}: updated (0 new, 0 from other pages, 1 fuzzy, 0 obsolete)" in result.stdout
    message = read_catalog(root / OPENING_UP, "zh_CN")[edited]
    assert message.fuzzy
    assert message.string == old
    assert message.previous_id == [LONG]
    again = run_szpub(root, "update")  # the fuzzy entry and its #| msgid survive a second run unchanged
    assert again.stdout.strip().endswith(UNCHANGED)


def test_similarity_is_word_based() -> None:
    assert similarity(LONG, LONG.replace("steadily", "gradually")) > 0.95
    assert similarity(LONG, REMOVED) < 0.6
    assert similarity("", LONG) == 0.0


@pytest.mark.slow
def test_removed_message_becomes_obsolete_with_its_translation(updated: Path, tmp_path: Path) -> None:
    root = _copy(updated, tmp_path)
    old = read_catalog(root / OPENING_UP, "zh_CN")[REMOVED].string
    source = root / "docs" / "opening-up.md"
    source.write_text(source.read_text(encoding="utf-8").replace(REMOVED, ""), encoding="utf-8")
    result = run_szpub(root, "update")
    assert result.returncode == 0, result.stderr
    catalog = read_catalog(root / OPENING_UP, "zh_CN")
    assert REMOVED not in catalog
    assert catalog.obsolete[REMOVED].string == old
    assert f'#~ msgstr "{old}"' in (root / OPENING_UP).read_text(encoding="utf-8")
    # and it comes back, translated, when the paragraph does
    source.write_text(source.read_text(encoding="utf-8") + "\n" + REMOVED + "\n", encoding="utf-8")
    assert run_szpub(root, "update").returncode == 0
    revived = read_catalog(root / OPENING_UP, "zh_CN")[REMOVED]
    assert revived.string == old and not revived.fuzzy


@pytest.mark.slow
def test_a_paragraph_moved_to_another_page_keeps_its_translation(updated: Path, tmp_path: Path) -> None:
    root = _copy(updated, tmp_path)
    old = read_catalog(root / OPENING_UP, "zh_CN")[REMOVED].string
    source, target = root / "docs" / "opening-up.md", root / "docs" / "talent.md"
    source.write_text(source.read_text(encoding="utf-8").replace(REMOVED, ""), encoding="utf-8")
    target.write_text(target.read_text(encoding="utf-8") + "\n" + REMOVED + "\n", encoding="utf-8")
    result = run_szpub(root, "update")
    assert "talent.po: updated (0 new, 1 from other pages, 0 fuzzy, 0 obsolete)" in result.stdout
    moved = read_catalog(root / "locales/zh_CN/LC_MESSAGES/talent.po", "zh_CN")[REMOVED]
    assert moved.string == old and not moved.fuzzy
    assert read_catalog(root / OPENING_UP, "zh_CN").obsolete[REMOVED].string == old  # and kept where it was


@pytest.mark.parametrize("command", [["update"], ["stat"], ["check"], ["build", "--format", "html"]])
@pytest.mark.slow
def test_malformed_catalog_is_reported_at_its_line_and_nothing_changes(
    updated: Path, tmp_path: Path, command: list[str]
) -> None:
    root = _copy(updated, tmp_path)
    path = root / "locales/zh_CN/LC_MESSAGES/talent.po"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(n for n, line in enumerate(lines, 1) if line.startswith('msgstr "为海外人才'))
    lines[number - 1] = lines[number - 1].rstrip('"\n') + "\n"  # the closing quote is gone
    path.write_text("".join(lines), encoding="utf-8")
    before = _snapshot(root)
    result = run_szpub(root, *command)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert re.search(
        rf"locales/zh_CN/LC_MESSAGES/talent\.po:{number}: .*badly quoted string", result.stderr + result.stdout
    )
    assert _snapshot(root) == before
    assert not (root / "_build" / "site").exists()


def test_stat_counts_messages_and_words(updated: Path) -> None:
    result = run_szpub(updated, "stat", "--json")
    assert result.returncode == 0
    rows = {row["catalog"]: row for row in json.loads(result.stdout)}
    talent = rows["locales/zh_CN/LC_MESSAGES/talent.po"]
    assert (talent["translated"], talent["fuzzy"], talent["untranslated"], talent["percent"]) == (2, 0, 0, 100.0)
    assert talent["source_words"] == {"translated": 66, "fuzzy": 0, "untranslated": 0}
    assert set(talent["translation"]) == {"characters"}
    table = run_szpub(updated, "stat").stdout
    assert re.search(
        r"^locales/zh_CN/LC_MESSAGES/talent\.po\s+2\s+0\s+0\s+100\s+66/0/0\s+\d+ characters\s+0$", table, re.MULTILINE
    )
    assert re.search(r"^total zh_CN\s+\d+\s+0\s+0\s+100\s", table, re.MULTILINE)


@pytest.mark.slow
def test_add_language_creates_catalogs_and_configures_it(updated: Path, tmp_path: Path) -> None:
    root = _copy(updated, tmp_path)
    result = run_szpub(root, "add-language", "ja")
    assert result.returncode == 0, result.stderr
    assert f"szpub_languages = {json.dumps([*LANGUAGES, 'ja'])}" in (root / "conf.py").read_text(encoding="utf-8")
    created = sorted(p.name for p in (root / "locales/ja/LC_MESSAGES").glob("*.po"))
    assert created == sorted(p.name for p in (root / "locales/zh_CN/LC_MESSAGES").glob("*.po"))
    catalog = read_catalog(root / "locales/ja/LC_MESSAGES/talent.po", "ja")
    assert all(not m.string for m in catalog if m.id)
    assert '"Language: ja\\n"' in (root / "locales/ja/LC_MESSAGES/talent.po").read_text(encoding="utf-8")
    stats = json.loads(run_szpub(root, "stat", "--json", "--lang", "ja").stdout)
    pages = [r for r in stats if r["catalog"].endswith(".po") and not r["catalog"].endswith("/sphinx.po")]
    assert pages and all(r["translated"] == 0 for r in pages)  # sphinx.po starts from the one szpub ships
    # a release build refuses the untranslated language; a draft builds it with the notice
    refused = run_szpub(root, "build", "--lang", "ja", "--format", "html")
    assert refused.returncode == 1 and "[untranslated]" in refused.stderr
    _translate(
        root / "locales/ja/LC_MESSAGES/talent.po",
        "One-stop services for overseas talent",
        "海外人材のワンストップサービス",
    )
    notice = "%(percent)s of this page is translated; the rest is shown in the original language."
    _translate(
        root / "locales/ja/LC_MESSAGES/sphinx.po",
        notice,
        "このページの%(percent)sが翻訳済みです。残りは原文で表示されます。",
    )
    built = run_szpub(root, "build", "--lang", "ja", "--format", "html", "--draft")
    assert built.returncode == 0, built.stderr
    page = (root / "_build/site/ja/index.html").read_text(encoding="utf-8")  # the one article page holds every section
    assert re.search(r"このページの\d+%が翻訳済みです。残りは原文で表示されます。", page)
    assert "海外人材のワンストップサービス" in page and "To acquire more overseas talent" in page


def _translate(path: Path, msgid: str, msgstr: str) -> None:
    catalog = read_catalog(path, "ja")
    catalog[msgid].string = msgstr
    path.write_bytes(render_catalog(catalog))


def test_add_language_refuses_an_unknown_locale_and_changes_nothing(updated: Path, tmp_path: Path) -> None:
    root = _copy(updated, tmp_path)
    conf = (root / "conf.py").read_bytes()
    result = run_szpub(root, "add-language", "xx_QQ")
    assert result.returncode == 1
    assert "unknown language 'xx_QQ'" in result.stderr and "Traceback" not in result.stderr
    assert (root / "conf.py").read_bytes() == conf
    assert not (root / "locales" / "xx_QQ").exists()


def test_conf_edit_keeps_the_rest_of_the_file() -> None:
    text = '# comment\nszpub_languages = [\n    "en",  # source\n    "zh_CN",\n]\nother = 1\n'
    assert (
        add_to_list(text, "szpub_languages", "ja", ["en"])
        == '# comment\nszpub_languages = ["en", "zh_CN", "ja"]\nother = 1\n'
    )
    assert add_to_list("x = 1\n", "szpub_languages", "ja", ["en"]) == 'x = 1\nszpub_languages = ["en", "ja"]\n'
    with pytest.raises(SzpubError, match=r"conf.py:1: szpub_languages is not a plain list of strings"):
        add_to_list("szpub_languages = LANGS + ['x']\n", "szpub_languages", "ja", ["en"])


def test_language_codes_are_written_as_sphinx_expects() -> None:
    assert [normalize_language(code) for code in ("ja", "zh-tw", "pt-BR", "zh_Hant_TW")] == [
        "ja",
        "zh_TW",
        "pt_BR",
        "zh_Hant_TW",
    ]
    with pytest.raises(SzpubError, match="unknown language 'xx'"):
        normalize_language("xx")
