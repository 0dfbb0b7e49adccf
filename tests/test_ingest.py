"""``szpub ingest``: a plain-text release becomes a publication that matches the hand-made one and builds."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po

from conftest import LANGUAGES, REPO, copy_publication, lang_folder, run_szpub
from szpub.core.figures import load_figures
from szpub.core.markup import ROLE as ANY_ROLE
from szpub.ingest import publication as ingest
from szpub.ingest.figures import find_figures
from szpub.ingest.release import RELEASE_TIMEZONE, IngestError, Paragraph, read_release

DATA = Path(__file__).parent / "data" / "releases"
SEED = REPO / "release" / "shenzhen-daily-2024-01-26-opening-up.txt"
TRADE = DATA / "shenzhen-daily-2024-03-12-foreign-trade.txt"  # BOM, CRLF, NBSP, wrapped lines, closing "-"
TOURISM = DATA / "shenzhen-daily-2024-05-20-inbound-tourism.txt"  # LF, no closing "-", US$, "per cent"
ECONOMY = DATA / "shenzhen-daily-2024-07-26-economy.txt"  # a figure in the title, Markdown and HTML in the text
ROLE = re.compile(r"\{fact\}`([a-z0-9_]+)`")
UPDATED = dt.datetime(2024, 1, 26, 10, 1, tzinfo=RELEASE_TIMEZONE)
DRAFT_MARKS = {"en": "DRAFT", "zh": "草稿"}  # a draft's banner and running head, by the primary language


def _ingest(tmp_path: Path, release: Path, *args: str) -> Path:
    out = tmp_path / "publication"
    result = run_szpub(tmp_path, "ingest", str(release), "--out", str(out), *args)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def seed_publication(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _ingest(tmp_path_factory.mktemp("ingest-seed"), SEED)


# -- the repository's docs/ is explained by ingest -----------------------------------------------------------


def _toctree(root: Path) -> list[str]:
    index = (root / "docs" / "index.md").read_text(encoding="utf-8")
    toctree = re.search(r"```\{toctree\}\n(?::.*\n)*\n(.*?)```", index, re.S)
    assert toctree, index
    return toctree.group(1).split()


def _pages(root: Path) -> dict[str, list[str]]:
    """The release's pages (the index and its toctree, not the appendix nor orphans): their prose paragraphs."""
    pages = {}
    for name in sorted(["index", *_toctree(root)]):
        if name == "appendix":
            continue
        text = (root / "docs" / f"{name}.md").read_text(encoding="utf-8")
        text = re.sub(r"^%.*\n", "", text, flags=re.M)  # notes to translators are the editors', not the release's
        blocks = re.split(r"\n\s*\n", re.sub(r"```.*?```", "", text, flags=re.S))
        pages[name] = [block.strip() for block in blocks if block.strip() and not block.startswith("#")]
    return pages


def _figures_by_page(root: Path) -> dict[str, list[tuple]]:
    facts = load_figures(root / "docs" / "figures.yaml")
    return {
        page: [(f.value, f.kind, f.qualifier, f.words) for p in paragraphs for f in map(facts.get, ROLE.findall(p))]
        for page, paragraphs in _pages(root).items()
    }


def test_seed_gives_the_repository_pages_and_paragraphs(seed_publication: Path) -> None:
    ours, theirs = _pages(seed_publication), _pages(REPO)
    assert list(ours) == list(theirs)
    assert sorted(ours) == ["connectivity", "diplomacy", "index", "investment", "opening-up", "talent"]
    for page in theirs:  # the editors may reorder a section's paragraphs (docs/diplomacy.md: attribution)
        ingested, refined = (sorted(ROLE.sub("{fact}", p) for p in pages[page]) for pages in (ours, theirs))
        assert ingested == refined, page


def test_seed_gives_every_figure_of_the_repository(seed_publication: Path) -> None:
    ours, theirs = _figures_by_page(seed_publication), _figures_by_page(REPO)
    assert ours == theirs  # the same figures, cited from the same pages in the same order
    assert sum(len(figures) for figures in ours.values()) == 10
    repo_facts = load_figures(REPO / "docs" / "figures.yaml").values()
    ingested = load_figures(seed_publication / "docs" / "figures.yaml").values()
    assert sorted((f.value, f.kind, f.qualifier, f.section) for f in ingested) == sorted(
        (f.value, f.kind, f.qualifier, f.section) for f in repo_facts
    )
    assert {f.value: f.period for f in ingested} == {f.value: f.period for f in repo_facts}


def test_seed_publication_has_the_repository_shape(seed_publication: Path) -> None:
    assert _toctree(seed_publication) == _toctree(REPO) == [
        "opening-up", "talent", "diplomacy", "investment", "connectivity", "appendix",
    ]
    conf: dict = {"__file__": str(seed_publication / "conf.py")}
    exec((seed_publication / "conf.py").read_text(), conf)
    assert conf["szpub_languages"] == ["en", "zh_CN"]
    assert conf["locale_dirs"] == [str(seed_publication / "locales")]
    assert conf["gettext_compact"] is False
    assert conf["szpub_release"] | {"subject": ""} == {
        "title": "City to advance higher-level opening up", "source": "Shenzhen Daily",
        "portal": "Shenzhen Government Online", "updated": "2024-01-26T10:01:00+08:00", "subject": "",
    }
    catalogs = sorted(p.name for p in (seed_publication / "locales/zh_CN/LC_MESSAGES").glob("*.po"))
    assert {"index.po", "opening-up.po", "connectivity.po", "appendix.po", "publication.po"} <= set(catalogs)
    for po in (seed_publication / "locales/zh_CN/LC_MESSAGES").glob("*.po"):
        with po.open("rb") as file:
            assert all(not message.string for message in read_po(file) if message.id), po.name
    assert (seed_publication / "release" / SEED.name).read_bytes() == SEED.read_bytes()


# -- a release the tests never saw builds, and its prose carries no bare figure ------------------------------

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATE = re.compile(rf"\b(?:{_MONTHS}) \d{{1,2}}\b")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# Numbers that are words of the text, not figures (issue 14): durations as adjectives, names with digits
_NOT_FIGURES = re.compile(
    r"\b\d+-(?:hour|day|year)\b|\b(?:Line|Terminal|Global) \d+\b|\bthe \d{5} hotline\b"
    r"|\b(?:PM2\.5|PM10|NO2|SO2|O3|5G)\b|\b\d+(?:st|nd|rd|th)\b|\bfirst \d+ months\b|\b\d+ pm\b"
)


def _bare_numbers(root: Path) -> list[str]:
    """msgids of every generated catalog that still carry a digit outside a role, a year or a date."""
    found = []
    for po in sorted((root / "locales").rglob("*.po")):
        with po.open("rb") as file:
            for message in read_po(file):
                text = _YEAR.sub("", _DATE.sub("", _NOT_FIGURES.sub("", ANY_ROLE.sub("", str(message.id)))))
                if message.id and re.search(r"\d", text):
                    found.append(f"{po.name}: {message.id}")
    return found


@pytest.mark.slow
def test_an_unseen_release_builds_with_every_figure_cited(tmp_path: Path) -> None:
    out = _ingest(tmp_path, TRADE)
    result = run_szpub(out, "build", "--format", "html", "--draft")
    assert result.returncode == 0, result.stdout + result.stderr
    site = out / "_build" / "site"
    connectivity = (site / "en" / "connectivity.html").read_text(encoding="utf-8")
    assert "30 million" in connectivity and "1,012" in connectivity  # as the release writes them
    assert "3.87万亿" in (site / "zh-cn" / "index.html").read_text(encoding="utf-8")  # 3.87 trillion
    assert (site / "en" / "general.html").is_file()
    assert _bare_numbers(out) == []


@pytest.mark.slow
def test_markup_in_a_release_stays_text_and_a_title_figure_is_cited(tmp_path: Path) -> None:
    out = _ingest(tmp_path, ECONOMY)
    index = (out / "docs" / "index.md").read_text(encoding="utf-8")
    assert index.startswith("# Shenzhen\u2019s economy grows {fact}`shenzhen_economy_grew` in first half\n")
    assert index.count("{fact}`shenzhen_economy_grew`") == 2  # the title cites the lede's figure, not a copy
    facts = load_figures(out / "docs" / "figures.yaml")
    assert [f.value for f in facts.values()] == [5.9, 1700000000000, 11.2, 20, 3.1, 214600000000]
    result = run_szpub(out, "build", "--format", "html", "--draft")
    assert result.returncode == 0, result.stdout + result.stderr
    for folder in ("en", "zh-cn"):
        page = (out / "_build" / "site" / folder / "index.html").read_text(encoding="utf-8")  # the article
        assert "Industrial output rose <span class=\"szpub-fact\">11.2%</span>, and *high-tech* manufacturing" in page
        assert "&lt;b&gt;nearly <span class=\"szpub-fact\">20%</span>&lt;/b&gt; growth [note]." in page
        assert re.search(r"<p( lang=\"en\")?>- Industrial", page)  # a paragraph, not a list
        heading = (out / "_build" / "site" / folder / "index.html").read_text(encoding="utf-8")
        assert "grows <span class=\"szpub-fact\">5.9%</span> in first half" in heading
    docs = [po for po in _bare_numbers(out) if not po.startswith("publication.po")]
    assert docs == []  # conf.py's title (publication.po) keeps its figure: metadata cannot cite


@pytest.mark.slow
def test_prose_carries_no_bare_figure(tmp_path: Path) -> None:
    (tmp_path / "publication").mkdir()  # an empty folder is fine without --force
    out = _ingest(tmp_path, TOURISM)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["publication"]
    assert _bare_numbers(out) == []
    prose = {page: "\n".join(paragraphs) for page, paragraphs in _pages(out).items()}
    bare = {page: _NOT_FIGURES.sub("", ANY_ROLE.sub("", text)) for page, text in prose.items()}
    assert {page: text for page, text in bare.items() if re.search(r"\d", text)} == {}


# -- input quirks ---------------------------------------------------------------------------------------------


def test_bom_crlf_nbsp_and_wrapped_lines_are_read_as_text() -> None:
    release = read_release(TRADE)
    assert TRADE.read_bytes().startswith(b"\xef\xbb\xbf") and b"\r\n" in TRADE.read_bytes()
    assert release.title == "Shenzhen\u2019s foreign trade climbs to new heights"
    assert (release.portal, release.source) == ("Shenzhen Government Online", "Shenzhen Daily")
    assert release.updated == dt.datetime(2024, 3, 12, 9, 30, tzinfo=RELEASE_TIMEZONE)
    assert [p.line for p in release.paragraphs] == [6, 10, 14, 17, 20, 23, 26]
    assert release.paragraphs[1].text.endswith("grew nearly 40 percent, while cross-border e-commerce handled "
                                               "1.2 million parcels a day on average.")
    assert not any(re.search(r"[\u00a0\t\r\ufeff]|\s$", p.text) for p in release.paragraphs)
    assert release.paragraphs[-1].text == "The bureau will publish the full statistics on April 10."


def _figures(path: Path) -> list[tuple]:
    plan = ingest.prepare(path)
    return [(f.text, f.value, f.kind, f.unit, f.qualifier, f.words, f.period, f.section) for f in plan.figures]


def test_figures_of_a_release_with_scales_percentages_words_and_years() -> None:
    assert _figures(TRADE) == [
        ("3.87 trillion", 3870000000000, "amount", "yuan", "", False, "2023", "index"),
        ("5.9 percent", 5.9, "percent", "", "", False, "2023", "index"),
        ("40 percent", 40, "percent", "", "nearly", False, "", "trade"),
        ("1.2 million", 1200000, "count", "parcels", "", False, "", "trade"),
        ("seven", 7, "count", "centers", "", True, "2024", "trade"),
        ("300 billion", 300000000000, "amount", "yuan", "", False, "2024", "trade"),
        ("25,000", 25000, "count", "professionals", "more than", False, "2023", "talent"),
        ("62 percent", 62, "percent", "", "", False, "2023", "talent"),
        ("30 million", 30000000, "count", "TEUs", "", False, "", "connectivity"),
        ("1,012", 1012, "count", "trips", "", False, "", "connectivity"),
        ("nine", 9, "count", "countries", "", True, "", "diplomacy"),
        ("two", 2, "count", "cities", "", True, "", "diplomacy"),
    ]


def test_figures_with_currency_signs_decimals_and_trailing_qualifiers() -> None:
    assert _figures(TOURISM) == [
        ("2.4 million", 2400000, "count", "visits", "nearly", False, "", "index"),
        ("145.3 per cent", 145.3, "percent", "", "", False, "", "index"),
        ("1.9 million", 1900000, "count", "trips", "", False, "", "tourism"),
        ("21%", 21, "percent", "", "", False, "", "tourism"),
        ("54", 54, "count", "countries", "", False, "2024-04", "connectivity"),  # "144-hour": an adjective
        ("two", 2, "count", "airports", "", True, "2024-04", "connectivity"),
        ("three", 3, "count", "routes", "", True, "2024-04", "connectivity"),
        ("1.6 billion", 1600000000, "amount", "US dollars", "", False, "", "tourism"),
        ("78.5 percent", 78.5, "percent", "", "a record high", False, "", "tourism"),
        ("650,000", 650000, "count", "crossings", "more than", False, "", "tourism"),
        ("3.5", 3.5, "decimal", "minutes", "", False, "", "tourism"),
    ]


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("The plan runs from 2021 to 2025 and was updated on Jan. 26, 2024.", []),
        ("The fair opens on 26 January at 10:30 in Hall 2024-A.", []),
        ("It was the 14th such forum since COVID-19, said the G20 envoy.", []),
        ("The city offers one-stop services, and the “new three” products grew.", []),
        ("Exports rose 12.5% to 2,000 containers, over 30 per cent of them by rail.",
         [("12.5%", 12.5, "percent", ""), ("2,000", 2000, "count", ""), ("30 per cent", 30, "percent", "over")]),
        ("Some 4 billion yuan and almost 0.8 million tons were shipped.",
         [("4 billion", 4000000000, "amount", "some"), ("0.8 million", 800000, "count", "almost")]),
    ],
)
def test_what_is_and_is_not_a_figure(sentence: str, found: list[tuple]) -> None:
    paragraph = Paragraph(2, 9, sentence)
    figures = find_figures(paragraph, "general", UPDATED, set())
    assert [(f.text, f.value, f.kind, f.qualifier) for f in figures] == found
    assert all(not re.search(r"\d", f.label) for f in figures)


def test_figure_ids_are_unique_and_labels_are_drafted_from_the_sentence() -> None:
    plan = ingest.prepare(SEED)
    ids = [f.id for f in plan.figures]
    assert len(set(ids)) == len(ids) == 10
    labels = {f.value: f.label for f in plan.figures}
    assert labels[15] == "Share of the newly established foreign-funded enterprises nationwide"
    assert labels[8002] == "New foreign-funded enterprises were established in Shenzhen"
    assert labels[59] == "Cargo flight destinations"


# -- sections ---------------------------------------------------------------------------------------------------


def test_dry_run_prints_the_plan_and_writes_nothing(tmp_path: Path) -> None:
    result = run_szpub(tmp_path, "ingest", str(SEED), "--out", "out", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "¶1 (line 6) → index: the lede" in result.stdout
    assert "¶4 (line 15) → talent: matched 'talent' \u00d73, 'professional qualification'" in result.stdout
    assert "¶8 (line 27) → diplomacy: matched 'heads of state', 'prime minister'" in result.stdout
    assert "figure 'eight' → heads = 8 (count, unit 'heads', words, 2023)" in result.stdout
    assert "figure '59' → cargo_flight_destinations = 59 (count, a record high, unit 'destinations')" in (
        result.stdout
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_another_section_map_and_the_fallback(tmp_path: Path) -> None:
    sections = tmp_path / "sections.yaml"
    sections.write_text(
        "fallback: news\nsections:\n"
        "  - {id: people, title: People, keywords: [talent, head of state, heads of state]}\n"
        "  - {id: travel, title: Travel, patterns: ['\\bflights?\\b', '\\bports?\\b']}\n"
        "  - {id: news, title: News}\n",
        encoding="utf-8",
    )
    out = _ingest(tmp_path, SEED, "--sections", str(sections))
    pages = _pages(out)
    assert list(pages) == ["index", "news", "people", "travel"]
    assert [len(pages[name]) for name in ("news", "people", "travel")] == [5, 2, 2]
    index = (out / "docs/index.md").read_text()
    assert index.index("\nnews\n") < index.index("\npeople\n") < index.index("\ntravel\n")  # reading order
    assert (out / "docs/people.md").read_text().startswith("# People\n\n")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("sections: [", 1, "not valid YAML"),
        ("fallback: none\nsections:\n  - {id: a, title: A}\n", 1, "fallback 'none' is not one of the sections (a)"),
        ("sections:\n  - {id: a, title: A}\n  - {id: a, title: B}\n", 3, "section 'a': duplicate id"),
        ("sections:\n  - {id: index, title: A}\n", 2, "id must be lowercase letters"),
        ("sections:\n  - {id: a, title: A, patterns: ['(']}\n", 2, "section 'a': pattern '('"),
        ("sections:\n  - {id: a, title: A, keyword: [x]}\n", 2, "section 'a': unknown field 'keyword'"),
    ],
)
def test_a_bad_section_map_is_named_with_its_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    sections = tmp_path / "map.yaml"
    sections.write_text(text, encoding="utf-8")
    result = run_szpub(tmp_path, "ingest", str(SEED), "--out", "out", "--sections", str(sections))
    assert result.returncode == 1
    assert f"szpub: error: {sections}:{line}: " in result.stderr and message in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "out").exists()


# -- bad input: a clear error, nothing written ---------------------------------------------------------------

MALFORMED = [
    ("missing-title.txt", 2, "missing title line"),
    ("missing-source.txt", 3, "missing source line: expected 'From: SOURCE'"),
    ("empty-source.txt", 3, "the 'From:' line names no source"),
    ("missing-date.txt", 5, "missing date line: expected 'Updated: YYYY-MM-DD HH:MM'"),
    ("bad-date-format.txt", 4, "the date must be written 'Updated: YYYY-MM-DD HH:MM'"),
    ("impossible-date.txt", 4, "not a valid date and time: '2024-02-30 10:01'"),
    ("empty-body.txt", 4, "the release has no paragraphs after its 'Updated:' line"),
    ("empty.txt", 1, "the release is empty"),
    ("bad-utf8.txt", 8, "not valid UTF-8 (byte 0x92)"),
    ("no-figures.txt", 8, "no figures found"),
]


@pytest.mark.parametrize(("name", "line", "message"), MALFORMED)
def test_malformed_release(tmp_path: Path, name: str, line: int, message: str) -> None:
    release = DATA / "malformed" / name
    result = run_szpub(tmp_path, "ingest", str(release), "--out", "out")
    assert result.returncode == 1
    assert result.stderr.startswith(f"szpub: error: {release}:{line}: {message}"), result.stderr
    assert list(tmp_path.iterdir()) == []  # no DIR, no staging folder


def test_every_malformed_case_is_tested() -> None:
    assert sorted(p.name for p in (DATA / "malformed").iterdir()) == sorted(name for name, _, _ in MALFORMED)


def test_a_missing_release_file(tmp_path: Path) -> None:
    result = run_szpub(tmp_path, "ingest", "nowhere.txt", "--out", "out")
    assert result.returncode == 1
    assert result.stderr == "szpub: error: nowhere.txt: cannot read: No such file or directory\n"


@pytest.mark.slow
def test_a_non_empty_folder_is_refused_without_force(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "docs").mkdir(parents=True)
    (out / "docs" / "index.md").write_text("# Kept\n")
    (out / "notes.txt").write_text("mine\n")
    result = run_szpub(tmp_path, "ingest", str(SEED), "--out", str(out))
    assert result.returncode == 1
    assert f"{out}: folder is not empty; choose another, or use --force" in result.stderr
    assert (out / "docs" / "index.md").read_text() == "# Kept\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    result = run_szpub(tmp_path, "ingest", str(SEED), "--out", str(out), "--force")
    assert result.returncode == 0, result.stderr
    assert (out / "docs" / "index.md").read_text().startswith("# City to advance higher-level opening up")
    assert (out / "notes.txt").read_text() == "mine\n"  # only the publication's own files are replaced
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_failure_while_writing_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(root: Path, plan: ingest.Plan, memory: list[Path] | None = None) -> tuple[str, ...]:
        raise IngestError("catalogs: simulated failure")

    monkeypatch.setattr(ingest, "write_catalogs", broken)
    with pytest.raises(IngestError, match="simulated failure"):
        ingest.write_publication(ingest.prepare(SEED), tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_target_languages_are_configuration(tmp_path: Path) -> None:
    out = _ingest(tmp_path, SEED, "--lang", "zh-CN", "--lang", "ja")
    conf: dict = {"__file__": str(out / "conf.py")}
    exec((out / "conf.py").read_text(), conf)
    assert conf["szpub_languages"] == ["en", "zh_CN", "ja"]
    assert sorted(p.name for p in (out / "locales").iterdir()) == ["ja", "zh_CN"]
    assert (out / "locales" / "ja" / "LC_MESSAGES" / "talent.po").is_file()


def test_an_output_folder_that_cannot_be_made(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("a file\n")
    result = run_szpub(tmp_path, "ingest", str(SEED), "--out", "file/out")
    assert result.returncode == 1
    assert result.stderr.startswith("szpub: error: file/out: cannot create the folder: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_an_unknown_language_is_refused(tmp_path: Path) -> None:
    result = run_szpub(tmp_path, "ingest", str(SEED), "--out", "out", "--lang", "xx_YY")
    assert result.returncode == 1 and "--lang: unknown language 'xx_YY'" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_figures_file_is_valid_yaml_for_the_editor(seed_publication: Path) -> None:
    text = (seed_publication / "docs" / "figures.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Every figure of the release, cited from the prose with {fact}`id`")
    entries = yaml.safe_load(text)["figures"]
    assert [e["id"] for e in entries] == list(load_figures(seed_publication / "docs" / "figures.yaml"))
    assert '    period: "2023"\n' in text


# -- releases ingest never saw (issue 14): figures an editor would extract, and the pages they go to ---------

EXPECTED = yaml.safe_load((DATA / "expected.yaml").read_text(encoding="utf-8"))


def _expected(name: str) -> list[tuple[str, float, str]]:
    rows = [[part.strip() for part in row.split("|")] for row in EXPECTED[name]["figures"]]
    return [(text, float(value), unit) for text, value, unit in rows]


def _found(name: str) -> list[tuple[str, float, str]]:
    return [(f.text, float(f.value), f.unit) for f in ingest.prepare(DATA / name).figures]


def _scores() -> tuple[float, float, float]:
    """Precision and recall of the figures (text and value), and how many of the right ones have the right unit."""
    found_total = expected_total = right = right_unit = 0
    for name in EXPECTED:
        expected, found = _expected(name), _found(name)
        found_total, expected_total = found_total + len(found), expected_total + len(expected)
        pool = list(expected)
        for text, value, unit in found:
            match = next((item for item in pool if item[:2] == (text, value)), None)
            if match is not None:
                pool.remove(match)
                right += 1
                right_unit += match[2] == unit
    return right / found_total, right / expected_total, right_unit / right


def test_figures_of_unseen_releases_meet_the_bar() -> None:
    precision, recall, units = _scores()
    assert len(EXPECTED) >= 6
    assert (precision, recall) >= (0.95, 0.95) and units >= 0.9, (precision, recall, units)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_unseen_release_gives_the_editors_figures(name: str) -> None:
    assert _found(name) == _expected(name)


_NEVER = ("6th", "sixth", "14th", "eight-day", "40", "144", "12345", "12333", "96116", "two", "three", "12", "500",
          "5G", "2.5", "10", "3", "14", "1")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_ranks_durations_periods_and_names_are_never_figures(name: str) -> None:
    texts = {f.text for f in ingest.prepare(DATA / name).figures}
    allowed = {row.split("|")[0].strip() for row in EXPECTED[name]["figures"]}
    assert not (texts & set(_NEVER)) - allowed


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_unseen_release_goes_to_the_pages_of_its_topics(name: str) -> None:
    plan = ingest.prepare(DATA / name)
    assert [p.section for p in plan.placements[1:]] == EXPECTED[name]["sections"]


def test_a_paragraph_that_matches_no_topic_well_is_not_forced(tmp_path: Path) -> None:
    release = tmp_path / "notice.txt"
    release.write_text(
        "Shenzhen Government Online\nCity opens a reading room\nFrom: Shenzhen Daily\nUpdated: 2024-06-01 09:00\n\n"
        "The city opened a reading room with 3,000 books on Saturday.\n\n"
        "It serves an enterprise park and is open daily, with 40 seats.\n",
        encoding="utf-8",
    )
    plan = ingest.prepare(release)
    assert [p.section for p in plan.placements] == ["index", "general"]
    assert "best topic investment scores 1 ('enterprise'), under the map's threshold 2" in plan.placements[1].reason
    files = ingest.render_publication(plan)
    assert files["docs/general.md"].startswith("# The release\n\n")  # the release's only part


def test_title_figures_are_cited_in_the_page_title() -> None:
    plan = ingest.prepare(DATA / "szgov-2024-03-15-port-throughput.txt")
    heading = ingest.render_publication(plan)["docs/index.md"].splitlines()[0]
    assert heading == "# Shenzhen Port handles {fact}`teus` TEUs in first two months"


# -- drafts are visibly drafts (issue 14) ----------------------------------------------------------------------


def _pages_html(site: Path) -> dict[str, str]:
    """Every reading page (the theme's masthead) of every language folder."""
    pages = {}
    for page in sorted(site.glob("*/*.html")):
        text = page.read_text(encoding="utf-8")
        if 'class="masthead"' in text:
            pages[page.relative_to(site).as_posix()] = text
    return pages


@pytest.mark.slow
def test_a_draft_build_is_marked_on_every_page_and_a_release_build_is_not(tmp_path: Path) -> None:
    from html.parser import HTMLParser

    class Marks(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.banner: list[str] = []
            self.robots: list[str] = []
            self._in_banner = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found = dict(attrs)
            self._in_banner = found.get("class") == "szpub-draft"
            if tag == "meta" and found.get("name") == "robots":
                self.robots.append(found.get("content") or "")

        def handle_data(self, data: str) -> None:
            if self._in_banner and data.strip():
                self.banner.append(data.strip())
                self._in_banner = False

    def marks(text: str) -> tuple[list[str], list[str]]:
        parser = Marks()
        parser.feed(text)
        return parser.banner, parser.robots

    root = copy_publication(tmp_path / "pub")
    result = run_szpub(root, "build", "--format", "html", "--draft")
    assert result.returncode == 0, result.stderr
    pages = _pages_html(root / "_build" / "site")
    assert len(pages) >= 6 and {name.split("/")[0] for name in pages} == {lang_folder(lang) for lang in LANGUAGES}
    for name, text in pages.items():
        banner, robots = marks(text)
        assert banner == [DRAFT_MARKS[name.split("/")[0].split("-")[0]]], name  # by the folder's primary language
        assert "noindex, nofollow" in robots, name
    result = run_szpub(root, "build", "--format", "html")
    assert result.returncode == 0, result.stderr
    assert "up to date" not in result.stdout  # the draft's pages are not kept for a release
    for name, text in _pages_html(root / "_build" / "site").items():
        banner, robots = marks(text)
        assert banner == [] and "noindex, nofollow" not in robots, name


@pytest.mark.slow
def test_a_draft_pdf_says_so_in_its_running_head(tmp_path: Path) -> None:
    import subprocess

    root = copy_publication(tmp_path / "pub")
    result = run_szpub(root, "build", "--format", "pdf", "--draft")
    assert result.returncode == 0, result.stderr
    site = root / "_build" / "site"
    for folder in map(lang_folder, LANGUAGES):
        mark = DRAFT_MARKS[folder.split("-")[0]]
        pdf = next((site / folder).glob("*.pdf"))
        pages = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        heads = [page.lstrip().splitlines()[0] for page in pages.split("\f") if page.strip()]
        assert heads and all(head.strip() == mark for head in heads), (folder, heads)
