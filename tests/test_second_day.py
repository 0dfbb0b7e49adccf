"""A translator's second day: the English changed. Every catalog ``szpub update`` writes is checked with GNU
gettext (msgfmt -c, msgcat), polib and translate-toolkit; no translation is lost; stale catalogs stop a release."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from translate.storage import pypo

from conftest import REPO, copy_publication, run_szpub
from szpub.catalogs import extract
from szpub.catalogs.pofiles import CatalogError, plural_forms_problem, read_catalog
from szpub.core.figures import load_figures
from szpub.core.project import find_project

PO = "locales/zh_CN/LC_MESSAGES"
TALENT_HEADING = "One-stop services for overseas talent"
TALENT = (
    "To acquire more overseas talent, Shenzhen will strive to establish professional qualification evaluation and "
    'appraisal institutions to provide standardized and "one-stop" service for prospective foreign talent. '
    "Efforts will be made to encourage more countries, especially those with close economic and trade ties with "
    "Shenzhen, to set up service institutions in Shenzhen to provide more convenient services for overseas talent."
)
TALENT_FIRST, TALENT_SECOND = TALENT.split(" Efforts")[0], "Efforts" + TALENT.split(" Efforts")[1]
LONG = (
    "The city, which is accelerating the construction of a modern international metropolis with global influence, "
    "will steadily promote institutional opening up in the areas of trade of goods and services, digital trade, "
    "and investment, said Cao Saixian, director general of Shenzhen Municipal Foreign Affairs Office."
)
NEXT = (
    "Shenzhen will accelerate the introduction and establishment of international organizations and promote the "
    "establishment of the World Innovative Cities Cooperation Organization."
)
NEW_FIGURE = """
  - id: talent_events
    value: 120
    kind: count
    unit: events
    period: "2023"
    section: talent
    label: Talent exchange events held in Shenzhen
"""
NEW_SENTENCE = "The city held {fact}`talent_events` talent exchange events last year."


@pytest.fixture(scope="module")
def updated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The publication after one ``szpub update``: what a translator has on the first day."""
    root = copy_publication(tmp_path_factory.mktemp("first-day"))
    result = run_szpub(root, "update")
    assert result.returncode == 0, result.stderr
    return root


def _copy(updated: Path, tmp_path: Path) -> Path:
    root = tmp_path / "pub"
    shutil.copytree(updated, root, ignore=shutil.ignore_patterns("_build"))
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _translations(root: Path) -> set[str]:
    """Every msgstr of the language's catalogs, active or obsolete, read by polib."""
    found = set()
    for path in (root / PO).glob("*.po"):
        found |= {entry.msgstr for entry in polib.pofile(str(path)) if entry.msgstr}
    return found


def _entry(root: Path, catalog: str, msgid: str) -> polib.POEntry:
    entry = polib.pofile(str(root / PO / f"{catalog}.po")).find(msgid, include_obsolete_entries=True)
    assert entry is not None, f"{msgid!r} not in {catalog}.po"
    return entry


def assert_every_tool_accepts(root: Path) -> None:
    """GNU msgfmt (with format and header checks) and msgcat, polib and translate-toolkit read every catalog."""
    for path in sorted((root / PO).glob("*.po")):
        for command in (
            ["msgfmt", "-c", "--check-format", "--check-header", "-o", "/dev/null", str(path)],
            ["msgcat", "-o", "/dev/null", str(path)],
        ):
            result = subprocess.run(command, capture_output=True, text=True, check=False)
            assert result.returncode == 0 and not result.stderr, f"{' '.join(command[:2])}: {result.stderr}"
        active = [(entry.msgid, entry.msgstr) for entry in polib.pofile(str(path)) if not entry.obsolete]
        units = pypo.pofile.parsefile(str(path)).units
        read = [(unit.source, unit.target) for unit in units if not unit.isheader() and not unit.isobsolete()]
        assert read == active  # translate-toolkit and polib read the same messages
        assert "SOME DESCRIPTIVE TITLE" not in path.read_text(encoding="utf-8")


# -- the edits of a second day ------------------------------------------------------------------------------


def word_changed(root: Path) -> None:
    _edit(root / "docs/opening-up.md", LONG, LONG.replace("steadily", "gradually"))


def sentence_added(root: Path) -> None:
    _edit(root / "docs/talent.md", TALENT, TALENT + " Applications open in March.")


def sentence_removed(root: Path) -> None:
    _edit(root / "docs/talent.md", TALENT, TALENT_FIRST)


def paragraph_split(root: Path) -> None:
    _edit(root / "docs/talent.md", TALENT, TALENT_FIRST + "\n\n" + TALENT_SECOND)


def paragraphs_merged(root: Path) -> None:
    _edit(root / "docs/opening-up.md", LONG + "\n\n" + NEXT, LONG + " " + NEXT)


def heading_edited(root: Path) -> None:
    _edit(root / "docs/talent.md", TALENT_HEADING, "One-stop services for foreign talent")


def figure_added(root: Path) -> None:
    (root / "docs/figures.yaml").write_text(
        (root / "docs/figures.yaml").read_text(encoding="utf-8") + NEW_FIGURE, encoding="utf-8"
    )
    _edit(root / "docs/talent.md", TALENT, TALENT + " " + NEW_SENTENCE)


def figure_removed(root: Path) -> None:
    figures = root / "docs/figures.yaml"
    entry = re.search(r"\n  - id: head_of_state_visits\n(?:    .*\n)+", figures.read_text(encoding="utf-8"))
    assert entry
    _edit(figures, entry.group(0), "\n")
    page = root / "docs/diplomacy.md"
    lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
    page.write_text("".join(line for line in lines if "head_of_state_visits" not in line), encoding="utf-8")


def page_added(root: Path) -> None:
    (root / "docs/culture.md").write_text("# Culture\n\nShenzhen will host a festival of world cultures.\n")
    _edit(root / "docs/index.md", "appendix\n```", "culture\nappendix\n```")


def page_removed(root: Path) -> None:
    (root / "docs/talent.md").unlink()
    _edit(root / "docs/index.md", "talent\n", "")


def page_renamed(root: Path) -> None:
    (root / "docs/talent.md").rename(root / "docs/people.md")
    _edit(root / "docs/index.md", "talent\n", "people\n")


EDITS: dict[str, Callable[[Path], None]] = {
    edit.__name__: edit
    for edit in (
        word_changed, sentence_added, sentence_removed, paragraph_split, paragraphs_merged, heading_edited,
        figure_added, figure_removed, page_added, page_removed, page_renamed,
    )
}  # fmt: skip


@pytest.mark.parametrize("name", list(EDITS))
@pytest.mark.slow
def test_every_tool_accepts_the_catalogs_and_nothing_is_lost(updated: Path, tmp_path: Path, name: str) -> None:
    root = _copy(updated, tmp_path)
    before = _translations(root)
    EDITS[name](root)
    result = run_szpub(root, "update")
    assert result.returncode == 0, result.stderr
    assert_every_tool_accepts(root)
    assert before <= _translations(root)  # every translation kept: active, fuzzy or obsolete
    check = run_szpub(root, "check", "--draft")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "[stale]" not in check.stdout
    again = run_szpub(root, "update")  # and a second update changes nothing
    assert "0 created, 0 updated" in again.stdout, again.stdout


@pytest.mark.parametrize(
    ("name", "catalog", "msgid", "previous"),
    [
        ("word_changed", "opening-up", LONG.replace("steadily", "gradually"), LONG),
        ("sentence_added", "talent", TALENT + " Applications open in March.", TALENT),
        ("sentence_removed", "talent", TALENT_FIRST, TALENT),
        ("paragraph_split", "talent", TALENT_FIRST, TALENT),
        ("paragraphs_merged", "opening-up", LONG + " " + NEXT, LONG),
        ("heading_edited", "talent", "One-stop services for foreign talent", TALENT_HEADING),
        ("figure_added", "talent", TALENT + " " + NEW_SENTENCE, TALENT),
    ],
)
@pytest.mark.slow
def test_a_changed_message_is_fuzzy_with_its_previous_msgid(
    updated: Path, tmp_path: Path, name: str, catalog: str, msgid: str, previous: str
) -> None:
    root = _copy(updated, tmp_path)
    old = _entry(root, catalog, previous).msgstr
    EDITS[name](root)
    assert run_szpub(root, "update").returncode == 0
    entry = _entry(root, catalog, msgid)
    assert entry.fuzzy and entry.msgstr == old
    assert entry.previous_msgid == previous  # polib reads the #| lines as gettext writes them
    text = (root / PO / f"{catalog}.po").read_text(encoding="utf-8")
    if len(previous) > 70:
        assert '#| msgid ""\n#| "' in text  # multi-line, one quoted line per #| line
    # and msgmerge, GNU's own merger, reads szpub's output and keeps the fuzzy entry as it is
    merged = subprocess.run(
        ["msgmerge", "-q", "--previous", "-o", "-", str(root / PO / f"{catalog}.po"), str(root / PO / f"{catalog}.po")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert merged.returncode == 0, merged.stderr


@pytest.mark.slow
def test_removed_figure_and_page_become_obsolete_with_their_translations(updated: Path, tmp_path: Path) -> None:
    root = _copy(updated, tmp_path)
    visits = load_figures(root / "docs/figures.yaml")["head_of_state_visits"].label
    label, talk = _entry(root, "appendix", visits).msgstr, _entry(root, "talent", TALENT).msgstr
    figure_removed(root)
    page_removed(root)
    assert run_szpub(root, "update").returncode == 0
    assert _entry(root, "appendix", visits).obsolete and _entry(root, "appendix", visits).msgstr == label
    talent = polib.pofile(str(root / PO / "talent.po"))
    assert not [e for e in talent if not e.obsolete] and _entry(root, "talent", TALENT).msgstr == talk


@pytest.mark.slow
def test_a_renamed_page_keeps_its_translations(updated: Path, tmp_path: Path) -> None:
    root = _copy(updated, tmp_path)
    old = _entry(root, "talent", TALENT).msgstr
    page_renamed(root)
    result = run_szpub(root, "update")
    assert f"{PO}/people.po: created (0 new, 2 from other pages, 0 fuzzy, 0 obsolete)" in result.stdout
    entry = _entry(root, "people", TALENT)
    assert entry.msgstr == old and not entry.fuzzy and entry.occurrences == [("docs/people.md", "3")]


@pytest.mark.slow
def test_a_new_figure_is_located_in_the_figures_file_and_explained(updated: Path, tmp_path: Path) -> None:
    root = _copy(updated, tmp_path)
    figure_added(root)
    assert run_szpub(root, "update").returncode == 0
    line = next(n for n, text in enumerate((root / "docs/figures.yaml").read_text().splitlines(), 1)
                if "id: talent_events" in text)  # fmt: skip
    label = _entry(root, "appendix", "Talent exchange events held in Shenzhen")
    assert label.occurrences == [("docs/figures.yaml", str(line))] and not label.msgstr
    phrase = _entry(root, "appendix", "{fact-value}`talent_events` events")
    assert '{fact-value}`talent_events` shows "120" (a bare number: the measure word is yours)' in phrase.comment


# -- stale, missing and empty catalogs ----------------------------------------------------------------------


@pytest.mark.slow
def test_an_english_edit_without_update_is_stale_for_stat_check_and_build(updated: Path, tmp_path: Path) -> None:
    root = _copy(updated, tmp_path)
    sentence = "Applications open in March."
    (root / "docs/talent.md").write_text((root / "docs/talent.md").read_text() + "\n" + sentence + "\n")
    line = len((root / "docs/talent.md").read_text().splitlines())
    check = run_szpub(root, "check")
    assert check.returncode == 1
    assert f'docs/talent.md:{line}: [stale] not in the catalog: {PO}/talent.po (run szpub update): "{sentence}"' in (
        check.stdout
    )
    stats = {row["catalog"]: row for row in json.loads(run_szpub(root, "stat", "--json").stdout)}
    talent = stats[f"{PO}/talent.po"]
    assert (talent["translated"], talent["untranslated"], talent["missing"]) == (2, 1, 1)
    assert talent["percent"] == pytest.approx(66.7)
    build = run_szpub(root, "build", "--format", "html")
    assert build.returncode == 1 and not (root / "_build/site").exists()
    assert "szpub: zh_CN: 1 message(s) of docs/talent.md are not in the zh_CN catalogs" in build.stderr
    for way in ("Run `szpub update`, then translate them", "`szpub build --draft`", "`--lang`"):
        assert way in build.stderr
    assert "Traceback" not in build.stderr


@pytest.mark.parametrize("damage", ["empty", "deleted"])
@pytest.mark.slow
def test_an_empty_or_deleted_catalog_is_stale(updated: Path, tmp_path: Path, damage: str) -> None:
    root = _copy(updated, tmp_path)
    path = root / PO / ("talent.po" if damage == "empty" else "index.po")
    if damage == "empty":
        path.write_bytes(b"")
    else:
        path.unlink()
    page = "docs/talent.md" if damage == "empty" else "docs/index.md"
    reason = "the catalog is empty" if damage == "empty" else "the catalog is missing"
    check = run_szpub(root, "check")
    assert check.returncode == 1
    assert f"{page}:1: [stale] {reason}: {PO}/{path.name} (run szpub update)" in check.stdout
    stats = {row["catalog"]: row for row in json.loads(run_szpub(root, "stat", "--json").stdout)}
    assert stats[f"{PO}/{path.name}"]["translated"] == 0 and stats[f"{PO}/{path.name}"]["untranslated"] == 2
    build = run_szpub(root, "build", "--format", "html")
    assert build.returncode == 1 and f"message(s) of {page} are not in the zh_CN catalogs" in build.stderr


@pytest.mark.slow
def test_plain_sphinx_build_warns_stale_and_a_draft_build_goes_on(updated: Path, tmp_path: Path) -> None:
    root = _copy(updated, tmp_path)
    (root / "docs/talent.md").write_text((root / "docs/talent.md").read_text() + "\nApplications open in March.\n")
    (root / PO / "index.po").unlink()
    result = subprocess.run(
        [str(REPO / ".venv/bin/sphinx-build"), "-q", "-c", ".", "-D", "language=zh_CN", "docs", "_build/plain/zh"],
        cwd=root, capture_output=True, text=True, check=False,
    )  # fmt: skip
    line = len((root / "docs/talent.md").read_text().splitlines())
    assert re.search(rf"docs/talent\.md:{line}: WARNING: not in {PO}/talent\.po .*\[szpub\.stale\]", result.stderr)
    assert re.search(rf"docs/index\.md:1: WARNING: the catalog {PO}/index\.po is missing: .*\[szpub\.stale\]",
                     result.stderr)  # fmt: skip
    draft = run_szpub(root, "build", "--draft", "--format", "html", "--lang", "zh_CN")
    assert draft.returncode == 0, draft.stderr
    article = (root / "_build/site/zh-cn/index.html").read_text(encoding="utf-8")  # every section, one page
    assert "Applications open in March." in article and "为海外人才提供“一站式”服务" in article


# -- headers ------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_update_keeps_the_translators_headers_and_comments(updated: Path, tmp_path: Path) -> None:
    root = _copy(updated, tmp_path)
    path = root / PO / "talent.po"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        '"Content-Transfer-Encoding: 8bit\\n"\n',
        '"Content-Transfer-Encoding: 8bit\\n"\n"X-Generator: Poedit 3.4.2\\n"\n"X-Poedit-Basepath: ../../..\\n"\n'
        '"X-Crowdin-Project: szpub\\n"\n',
    ).replace("Last-Translator: szpub translators", "Last-Translator: Li Wei <li.wei@example.org>")
    text = text.replace(
        f'#: docs/talent.md:1\nmsgid "{TALENT_HEADING}"',
        f'# Li: keep it short\n#: docs/talent.md:1\nmsgid "{TALENT_HEADING}"',
    )
    path.write_text(text, encoding="utf-8")
    heading_edited(root)
    assert run_szpub(root, "update").returncode == 0
    after = polib.pofile(str(path))
    kept = {
        "X-Generator": "Poedit 3.4.2",
        "X-Poedit-Basepath": "../../..",
        "X-Crowdin-Project": "szpub",
        "Last-Translator": "Li Wei <li.wei@example.org>",
    }
    assert {name: after.metadata.get(name) for name in kept} == kept
    assert after.find("One-stop services for foreign talent").tcomment == "Li: keep it short"
    written = path.read_text(encoding="utf-8")
    for placeholder in ("SOME DESCRIPTIVE TITLE", "FIRST AUTHOR", "EMAIL@ADDRESS", "Generated-By"):
        assert placeholder not in written
    assert written.startswith('# Chinese (Simplified, China) translation of "City to advance higher-level')


@pytest.mark.slow
def test_a_catalog_that_is_not_utf8_is_refused_at_its_line_and_left_as_it_was(updated: Path, tmp_path: Path) -> None:
    root = _copy(updated, tmp_path)
    path = root / PO / "opening-up.po"
    latin = path.read_text(encoding="utf-8").replace("charset=utf-8", "charset=ISO-8859-1")
    latin = latin.replace(
        'msgstr "稳步推进制度型开放，加快引进国际组织"', 'msgstr "Ouverture institutionnelle à Shenzhen"'
    )
    latin = re.sub(r'msgstr "[^"\x00-\x7f][^\n]*"', 'msgstr ""', latin)  # only Latin-1 text is left
    path.write_bytes(latin.encode("latin-1"))
    before = path.read_bytes()
    line = next(n for n, text in enumerate(latin.splitlines(), 1) if "Content-Type" in text)
    for command in (["update"], ["check"], ["stat"]):
        result = run_szpub(root, *command)
        assert result.returncode == 1, command
        assert re.search(
            rf"{PO}/opening-up\.po:{line}: (\[syntax\] )?the header says charset=ISO-8859-1",
            result.stdout + result.stderr,
        )
        assert "Traceback" not in result.stderr
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "value", ["nplurals=2; plural=alert(1);", "nplurals=2; plural=(n != 1;", "plural=n != 1;", "nplurals=2"]
)
def test_an_invalid_plural_forms_is_refused_at_its_line(tmp_path: Path, value: str) -> None:
    path = tmp_path / "x.po"
    path.write_text(f'msgid ""\nmsgstr ""\n"Language: zh_CN\\n"\n"Plural-Forms: {value}\\n"\n\nmsgid "a"\nmsgstr "b"\n')
    with pytest.raises(CatalogError, match=r"^x\.po:4: Plural-Forms "):
        read_catalog(path, shown="x.po")


def test_the_plural_grammar_accepts_what_gettext_accepts() -> None:
    for value in (
        "nplurals=1; plural=0;",
        "nplurals=2; plural=(n != 1);",
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
        "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;",
        "nplurals=2; plural=!(n == 1);",
    ):
        assert plural_forms_problem(value) == "", value
        po = f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: {value}\\n"\n'
        result = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", "-"], input=po, text=True, capture_output=True)
        assert result.returncode == 0, result.stderr  # GNU agrees
    for value in ("nplurals=2; plural=n ? 1;", "nplurals=2; plural=n +;", "nplurals=2; plural=this.x;"):
        assert plural_forms_problem(value), value


# -- the rewrap round trip, and what translators are told ---------------------------------------------------


@pytest.mark.slow
def test_a_catalog_rewrapped_by_msgcat_comes_back_byte_identical(updated: Path, tmp_path: Path) -> None:
    root = _copy(updated, tmp_path)
    sentence_added(root)  # so that a fuzzy entry with a multi-line #| msgid is rewrapped too
    assert run_szpub(root, "update").returncode == 0
    ours = {path.name: path.read_bytes() for path in (root / PO).glob("*.po")}
    for path in (root / PO).glob("*.po"):  # as Poedit saves: GNU's wrapping at 79 columns
        subprocess.run(["msgcat", "-o", str(path), str(path)], check=True)
    assert any(path.read_bytes() != ours[path.name] for path in (root / PO).glob("*.po"))
    result = run_szpub(root, "update")
    assert result.returncode == 0
    assert {path.name: path.read_bytes() for path in (root / PO).glob("*.po")} == ours


@pytest.mark.slow
def test_update_writes_context_for_translators(updated: Path, tmp_path: Path) -> None:
    root = _copy(updated, tmp_path)
    source = root / "docs/talent.md"
    source.write_text(source.read_text().replace(
        "To acquire", "% TRANSLATORS: \"one-stop\" is the city's official term;\n% see the glossary.\nTo acquire"
    ))  # fmt: skip
    assert run_szpub(root, "update").returncode == 0
    talent = _entry(root, "talent", TALENT)
    assert talent.comment == 'TRANSLATORS: "one-stop" is the city\'s official term; see the glossary.'
    assert talent.occurrences == [("docs/talent.md", "5")] and talent.msgstr and not talent.fuzzy
    cities = _entry(root, "connectivity", next(e.msgid for e in polib.pofile(str(root / PO / "connectivity.po"))
                                               if "airport_direct_cities" in e.msgid))  # fmt: skip
    assert '{fact}`airport_direct_cities` shows "31" (a bare number: the measure word is yours)' in cities.comment
    share = _entry(root, "appendix", "{fact-value}`new_foreign_enterprises_growth`")
    assert 'shows "86.6%"' in share.comment
    line = next(
        n for n, t in enumerate((root / "docs/figures.yaml").read_text().splitlines(), 1) if "national_share" in t
    )
    assert _entry(
        root, "appendix", "Share of the newly established foreign-funded enterprises nationwide"
    ).occurrences == [("docs/figures.yaml", str(line))]
    notice = _entry(root, "sphinx", "Skip to content")
    assert re.fullmatch(r"szpub/sphinx_ext/theme/szpub/layout\.html", notice.occurrences[0][0])
    assert int(notice.occurrences[0][1]) > 0
    percent = next(e for e in polib.pofile(str(root / PO / "sphinx.po")) if "%(percent)s" in e.msgid)
    assert "%(percent)s is the share of the page that is translated" in percent.comment
    assert_every_tool_accepts(root)


@pytest.mark.slow
def test_templates_are_cached_until_the_source_changes(
    updated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _copy(updated, tmp_path)
    project = find_project(root)
    first = extract.templates(project)
    calls: list[int] = []
    real = extract.extract_templates
    monkeypatch.setattr(extract, "extract_templates", lambda p: calls.append(1) or real(p))
    again = extract.templates(project)
    assert calls == [] and {k: [m.id for m in v] for k, v in again.items()} == {
        k: [m.id for m in v] for k, v in first.items()
    }
    sentence_added(root)
    changed = extract.templates(find_project(root))
    assert calls == [1] and TALENT + " Applications open in March." in changed["talent"]
    assert len(list((root / "_build/.szpub").glob("templates-*.json"))) == 1


def test_the_shipped_catalogs_pass_msgfmt_and_are_up_to_date() -> None:
    for path in sorted((REPO / PO).glob("*.po")):
        result = subprocess.run(
            ["msgfmt", "-c", "--check-format", "--check-header", "-o", "/dev/null", str(path)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert result.returncode == 0 and not result.stderr, result.stderr
        assert "SOME DESCRIPTIVE TITLE" not in path.read_text(encoding="utf-8")


def test_a_line_separator_inside_a_msgstr_is_read_as_gettext_reads_it(tmp_path: Path) -> None:
    """U+2028, NEL or a form feed inside a string is text: msgfmt accepts it, so szpub does, at the same lines."""
    po = tmp_path / "talent.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Talent"\nmsgstr "人才\u2028\u0085\x0c"\n\nmsgid "Shenzhen"\nmsgstr "深圳"\n',
        encoding="utf-8",
    )
    assert subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po)], capture_output=True).returncode == 0
    catalog = read_catalog(po)
    assert catalog["Talent"].string == "人才\u2028\u0085\x0c"
    assert catalog["Shenzhen"].lineno == 8
