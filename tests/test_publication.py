"""The real publication, built once with ``szpub build``: both languages, HTML and PDF, figures and downloads."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from conftest import LANGUAGES, copy_publication, lang_folder, lang_tag
from szpub.core.figures import load_figures

pytestmark = pytest.mark.slow  # most tests here use the session build

REPO = Path(__file__).resolve().parent.parent
SECTIONS = ("index", "opening-up", "talent", "diplomacy", "investment", "connectivity", "appendix")
ZH_CATALOGS = REPO / "locales" / "zh_CN" / "LC_MESSAGES"
ROLE = re.compile(r"\{[a-z-]+\}`[^`]*`")
# The figures as the release publishes them (terms.md), written out by hand: what readers must see.
FIGURES_EN = ("8,002", "86.6%", "15%", "eight", "31", "22", "59", "248", "300", "100")
FIGURES_ZH = ("8002", "86.6%", "15%", "8", "31", "22", "59", "248", "300", "100")
# English interface words that must not reach a Chinese reader (the switcher's "English" is the one exception).
ENGLISH_CHROME = (
    "Contents",
    "Search",
    "Previous",
    "Next",
    "Back to top",
    "Download",
    "Skip to",
    "Source:",
    "Figure",
    "Period",
)


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r'<a [^>]*hreflang="en"[^>]*>English</a>', " ", html)
    attributes = " ".join(re.findall(r'(?:aria-label|title|placeholder|alt)="([^"]*)"', html))
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)) + " " + attributes


def page(site: Path, folder: str, name: str) -> str:
    return (site / folder / f"{name}.html").read_text(encoding="utf-8")


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def squeeze(text: str) -> str:
    """Text without white space, hyphens or curly apostrophes: line breaks, hyphenation and typography aside."""
    return re.sub(r"[\s\-\u00ad]+", "", text).replace("\u2019", "'")


def msgstrs(name: str) -> list[str]:
    with (ZH_CATALOGS / f"{name}.po").open("rb") as file:
        return [str(message.string) for message in read_po(file) if message.id and message.string]


def manifest(site: Path) -> dict:
    return json.loads((site / "manifest.json").read_text(encoding="utf-8"))


def test_manifest_lists_each_language_with_existing_outputs(site: Path) -> None:
    entries = manifest(site)["languages"]
    assert [entry["tag"] for entry in entries] == [lang_tag(language) for language in LANGUAGES]
    languages = {entry["tag"]: entry for entry in entries}
    assert languages["zh-CN"]["language"] == "zh_CN"
    assert languages["zh-CN"]["html"] == "zh-cn/index.html"
    for language in LANGUAGES:
        assert languages[lang_tag(language)]["language"] == language
        assert languages[lang_tag(language)]["html"] == f"{lang_folder(language)}/index.html"
    for entry in languages.values():
        for path in (entry["html"], entry["pdf"], *entry["data"]):
            assert (site / path).is_file(), path
        assert sorted(Path(p).suffix for p in entry["data"]) == [".csv", ".json"]


@pytest.mark.parametrize("name", SECTIONS)
def test_every_section_exists_in_both_languages(site: Path, name: str) -> None:
    assert '<html lang="en"' in page(site, "en", name)
    assert '<html lang="zh-CN"' in page(site, "zh-cn", name)


@pytest.mark.parametrize("name", SECTIONS)
def test_chinese_pages_carry_every_translated_message(site: Path, name: str) -> None:
    text = squeeze(visible_text(page(site, "zh-cn", "index")))  # the article page holds every section
    for message in msgstrs(name):
        for chunk in ROLE.split(message):
            assert squeeze(chunk) in text, chunk


@pytest.mark.parametrize("name", SECTIONS)
def test_chinese_pages_have_no_english_interface_strings(site: Path, name: str) -> None:
    text = visible_text(page(site, "zh-cn", name))
    for word in ENGLISH_CHROME:
        assert word not in text, word
    stray = set(re.findall(r"\b[A-Za-z]{3,}\b", text)) - {"CSV", "JSON", "PDF"}
    assert not stray


def test_every_figure_appears_unchanged_in_html(site: Path) -> None:
    for folder, figures in (("en", FIGURES_EN), ("zh-cn", FIGURES_ZH)):
        prose = " ".join(visible_text(page(site, folder, name)) for name in SECTIONS[:-1])
        for figure in figures:
            assert re.search(rf"(?<![\d,.]){re.escape(figure)}(?![\d,.]\d)", prose), (folder, figure)


def pdf_of(site: Path, tag: str) -> Path:
    entry = next(e for e in manifest(site)["languages"] if e["tag"] == tag)
    return site / entry["pdf"]


@pytest.mark.parametrize(("tag", "figures"), [("en", FIGURES_EN), ("zh-CN", FIGURES_ZH)])
def test_every_figure_appears_unchanged_in_pdf(site: Path, tag: str, figures: tuple[str, ...]) -> None:
    text = pdf_text(pdf_of(site, tag))
    for figure in figures:
        assert figure in text, figure


@pytest.mark.parametrize("tag", ["en", "zh-CN"])
def test_pdfs_are_a4_with_every_font_embedded(site: Path, tag: str) -> None:
    pdf = pdf_of(site, tag)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts
    for line in fonts:
        assert re.search(r"\s(yes)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$", line), f"not embedded: {line}"


def test_chinese_pdf_is_chinese_throughout(site: Path) -> None:
    pdf = pdf_of(site, "zh-CN")
    text = pdf_text(pdf)
    assert "目录" not in text  # a short release has no contents list (test_pdf_layout.py)
    assert "深圳将推进更高水平对外开放" in text
    assert "2024年1月26日" in text
    for english in ("Contents", "Release", "Chapter", "Source", "Figure", "continued"):
        assert english not in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Title:\s+深圳将推进更高水平对外开放$", info, re.M)
    assert re.search(r"^Author:\s+深圳日报$", info, re.M)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "NotoSerifCJK" in fonts and "NotoSansCJK" in fonts


def test_english_pdf_carries_the_release_date_not_the_build_date(site: Path) -> None:
    text = pdf_text(pdf_of(site, "en"))
    assert "January 26, 2024" in text
    assert "2026" not in text and "2025" not in text


@pytest.mark.parametrize("tag", ["en", "zh-CN"])
def test_pdf_appendix_lists_every_figure_label_and_the_chart(site: Path, tag: str) -> None:
    facts = load_figures(REPO / "docs" / "figures.yaml")
    text = squeeze(pdf_text(pdf_of(site, tag)))
    labels = [fact.label for fact in facts.values()]
    if tag == "zh-CN":
        with (ZH_CATALOGS / "appendix.po").open("rb") as file:
            catalog = read_po(file)
        labels = [str(catalog[label].string) for label in labels]
    for label in labels:
        assert squeeze(label) in text, label
    connectivity = [label for fact, label in zip(facts.values(), labels, strict=True) if fact.section == "connectivity"]
    assert text.count(squeeze(connectivity[0])) == 2  # once in the table, once in the chart


@pytest.mark.parametrize(
    ("folder", "label", "value"),
    [
        ("en", "Cargo flight destinations", "59 destinations, a record high"),
        ("zh-cn", "货运通航点", "59个，创历史新高"),
    ],
)
def test_html_appendix_table_and_chart(site: Path, folder: str, label: str, value: str) -> None:
    html = page(site, folder, "index")  # the article page carries the appendix
    facts = load_figures(REPO / "docs" / "figures.yaml")
    assert html.count("<tr") == len(facts) + 1
    assert squeeze(label + value) in squeeze(visible_text(html))
    svg = re.search(r"<svg .*?</svg>", html, re.S)
    assert svg and 'role="img"' in svg.group(0)
    assert label in svg.group(0) and value in svg.group(0)


@pytest.mark.parametrize("folder", ["en", "zh-cn"])
def test_downloads_parse_and_match_the_data(site: Path, folder: str) -> None:
    facts = load_figures(REPO / "docs" / "figures.yaml")
    entry = next(e for e in manifest(site)["languages"] if e["html"].startswith(folder + "/"))
    csv_path, json_path = sorted(site / p for p in entry["data"])
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    records = json.loads(json_path.read_text(encoding="utf-8"))["figures"]
    assert [row["id"] for row in rows] == [record["id"] for record in records] == list(facts)
    for row, record in zip(rows, records, strict=True):
        assert float(row["value"]) == record["value"] == facts[row["id"]].value
        assert row["label"] == record["label"]
    chinese = re.compile(r"[\u4e00-\u9fff]")
    assert all(bool(chinese.search(row["label"])) == (folder == "zh-cn") for row in rows)
    appendix = page(site, folder, "index")  # the article page carries the appendix
    assert f'href="{csv_path.name}"' in appendix and f'href="{json_path.name}"' in appendix


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_plain_sphinx_build_is_warning_free(tmp_path: Path, language: str) -> None:
    root = copy_publication(tmp_path / "pub")  # Sphinx compiles .mo files beside the .po: never in the repository
    command = [sys.executable, "-m", "sphinx", "-W", "-q", "-c", str(root), "-D", f"language={language}"]
    result = subprocess.run(
        [*command, str(root / "docs"), str(tmp_path / "out")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_no_msgid_carries_a_bare_figure() -> None:
    """Figures reach translators as roles only, so no translation can change one."""
    bare = []
    for path in sorted(ZH_CATALOGS.glob("*.po")):
        with path.open("rb") as file:
            for message in read_po(file):
                msgid = message.id if isinstance(message.id, str) else message.id[0]
                if re.search(r"\d", ROLE.sub("", msgid)):
                    bare.append(f"{path.name}: {msgid}")
    assert bare == []


@pytest.mark.parametrize(
    ("folder", "byline"),
    [
        ("en", "Source: Shenzhen Daily · Updated: January 26, 2024, 10:01"),
        ("zh-cn", "来源：深圳日报\u3000发布时间：2024年1月26日 10:01"),
    ],
)
def test_article_byline_once_with_source_and_release_time(site: Path, folder: str, byline: str) -> None:
    html = page(site, folder, "index")
    bylines = re.findall(r'<p class="szpub-byline">([^<]*)</p>', html)
    assert bylines == [byline]  # once: the appendix no longer repeats it
    assert "Shenzhen Government Online" not in bylines[0] and "深圳政府在线" not in bylines[0]


def test_chinese_edition_writes_the_date_not_the_weekday(site: Path) -> None:
    text = visible_text(page(site, "zh-cn", "index"))
    assert "1月25日召开" in text  # "held by the city government Thursday": the day before the release
    assert not re.search(r"周[一二三四五六日]|星期", text)
    search_words = (site / "zh-cn" / "_static" / "translations.js").read_text(encoding="utf-8")
    assert "正在准备搜索……" in search_words and "搜索..." not in search_words  # the Chinese ellipsis


@pytest.mark.parametrize(("folder", "leaders"), [("en", "eight leaders"), ("zh-cn", "8位")])
def test_data_files_carry_qualifier_unit_and_empty_unstated_periods(site: Path, folder: str, leaders: str) -> None:
    facts = load_figures(REPO / "docs" / "figures.yaml")
    entry = next(e for e in manifest(site)["languages"] if e["html"].startswith(folder + "/"))
    csv_path, json_path = sorted(site / p for p in entry["data"])
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(csv_path.read_bytes().decode("utf-8-sig")))}
    records = {r["id"]: r for r in json.loads(json_path.read_text(encoding="utf-8"))["figures"]}
    for fact in facts.values():
        assert (rows[fact.id]["qualifier"], rows[fact.id]["unit"]) == (fact.qualifier, fact.unit)  # code values
        assert (records[fact.id]["qualifier"], records[fact.id]["unit"]) == (fact.qualifier or None, fact.unit or None)
    for fact_id in ("airport_direct_cities", "port_connected_ports"):  # the release states no period for them
        assert rows[fact_id]["period"] == rows[fact_id]["period_text"] == ""
        assert records[fact_id]["period"] is records[fact_id]["period_text"] is None
    assert records["port_connected_ports"]["text"] == ("over 300 ports" if folder == "en" else "300多个港口")
    assert records["head_of_state_visits"]["text"] == leaders  # the release counts people, not visits
