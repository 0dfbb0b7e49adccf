"""The PDFs' layout, read with poppler (pdftotext, pdffonts): headline block, table cells, chart, leading, fonts."""

from __future__ import annotations

import re
import subprocess
from itertools import pairwise
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from szpub.core.figures import load_figures

pytestmark = pytest.mark.slow  # the session's full build of the publication

REPO = Path(__file__).resolve().parent.parent
FACTS = load_figures(REPO / "docs" / "figures.yaml")
CJK = re.compile(r"[\u3400-\u9fff]")
TABLE = {"en": ("Figure", "Air and sea links at a glance"), "zh-CN": ("指标", "空港海港数据一览")}
BYLINE = {
    "en": "Source: Shenzhen Daily · Updated: January 26, 2024, 10:01",
    "zh-CN": "来源：深圳日报\u3000发布时间：2024年1月26日 10:01",
}


def pdf_of(site: Path, tag: str) -> Path:
    folder = tag.lower()
    return next((site / folder).glob("*.pdf"))


def pdftotext(pdf: Path, *options: str) -> str:
    return subprocess.run(["pdftotext", *options, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def pages(pdf: Path) -> list[str]:
    return pdftotext(pdf, "-layout").split("\f")[:-1]


def labels(tag: str) -> dict[str, str]:
    """Figure id -> its label as the PDF of ``tag`` prints it (the zh_CN translation from appendix.po)."""
    if tag == "en":
        return {fact.id: fact.label for fact in FACTS.values()}
    with (REPO / "locales" / "zh_CN" / "LC_MESSAGES" / "appendix.po").open("rb") as file:
        catalog = read_po(file)
    return {fact.id: str(catalog[fact.label].string) for fact in FACTS.values()}


def table_text(pdf: Path, tag: str) -> str:
    """The appendix table, from its heading row to the chart's heading, as laid out on the page."""
    text = pdftotext(pdf, "-layout")
    start, end = TABLE[tag]
    return text[text.index(start) : text.index(end)]


@pytest.mark.parametrize("tag", ["en", "zh-CN"])
def test_no_table_of_contents_in_a_short_release(site: Path, tag: str) -> None:
    text = pdftotext(pdf_of(site, tag))
    assert "Contents" not in text and "目录" not in text


@pytest.mark.parametrize("tag", ["en", "zh-CN"])
def test_source_and_release_time_appear_once_in_the_headline_block(site: Path, tag: str) -> None:
    pdf = pdf_of(site, tag)
    text = pdftotext(pdf, "-raw")
    source, date = ("Shenzhen Daily", "January 26, 2024") if tag == "en" else ("深圳日报", "2024年1月26日")
    assert text.count(source) == 1 and text.count(date) == 1, text
    first_page = pages(pdf)[0]
    # the byline directly under the title, before the lede
    assert re.sub(r"\s+", " ", BYLINE[tag]) in re.sub(r"[ \t]+", " ", first_page)
    assert first_page.index("10:01") < first_page.index("Shenzhen will" if tag == "en" else "深圳市政府")


def test_english_table_cells_are_not_hyphenated(site: Path) -> None:
    table = table_text(pdf_of(site, "en"), "en")
    compounds = {
        part + "-"
        for fact in FACTS.values()
        for word in re.findall(r"\S+-\S+", fact.label)
        for part in word.split("-")[:-1]
    }  # "foreign-funded" may break after its own hyphen
    line_ends = re.findall(r"([A-Za-z']+-)(?= {2,}|$)", table, flags=re.M)  # measured before: "in-", "Shen-"
    assert set(line_ends) <= compounds, line_ends


def test_english_table_cells_are_ragged_right(site: Path) -> None:
    """Justified cells stretch the spaces ("Share  of  the": 6.7 to 8.1 pt measured before); ragged ones do not."""
    boxes = pdftotext(pdf_of(site, "en"), "-bbox-layout")
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', boxes)
    gaps, inside, previous = [], False, None
    for left, top, right, word in ((float(a), float(b), float(c), w) for a, b, c, w in words):
        inside = (inside or word == "Value") and word != "glance"  # from the table's head to the chart's heading
        if inside and previous and abs(previous[1] - top) < 0.5 and 0 < left - previous[2] < 15:
            gaps.append((round(left - previous[2], 2), previous[3], word))  # two words of one cell line
        previous = (left, top, right, word)
    assert len(gaps) > 50
    assert max(gaps)[0] <= 3.5, sorted(gaps)[-3:]  # FreeSerif's 11 pt space: 2.75 pt, headings 3.3 pt


def test_no_line_of_a_chinese_cell_or_paragraph_holds_one_character(site: Path) -> None:
    text = pdftotext(pdf_of(site, "zh-CN"), "-layout")
    chunks = [chunk for line in text.splitlines() for chunk in re.split(r"\s{2,}", line.strip())]
    lonely = [chunk for chunk in chunks if len(chunk) == 1 and CJK.match(chunk)]
    assert not lonely, lonely
    assert "100多个国家和地区" in text  # the cell that used to end "国家和地" / "区"


@pytest.mark.parametrize("tag", ["en", "zh-CN"])
def test_the_chart_is_on_one_page(site: Path, tag: str) -> None:
    heading = TABLE[tag][1]
    on = [page for page in pages(pdf_of(site, tag)) if heading in page]
    assert len(on) == 1
    chart = re.sub(r"\s+", "", on[0].split(heading, 1)[1])
    connectivity = [fact.id for fact in FACTS.values() if fact.section == "connectivity"]
    for fact_id in connectivity:
        assert re.sub(r"\s+", "", labels(tag)[fact_id]).replace("\u2019", "'") in chart.replace("\u2019", "'"), fact_id


def test_chinese_body_leading_is_about_one_and_a_half(site: Path) -> None:
    """Baseline to baseline over type size, measured between the lede's two lines (pdftotext -bbox)."""
    boxes = pdftotext(pdf_of(site, "zh-CN"), "-bbox-layout")
    lines = [
        (float(top), float(bottom) - float(top))
        for top, bottom in re.findall(r'<line xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">', boxes)
    ]
    body = [(top, height) for top, height in lines if 10 < height < 12]  # 11 pt text, not headings
    # consecutive lines of one paragraph (not two cells of one table row, not across a paragraph break)
    pitches = [b[0] - a[0] for a, b in pairwise(body) if 0.9 * a[1] < b[0] - a[0] < 2.2 * a[1]]
    ratio = min(pitches) / body[0][1]
    assert 1.45 <= ratio <= 1.65, (ratio, pitches[:5])


@pytest.mark.parametrize(
    ("tag", "families"),
    [("en", {"FreeSerif", "FreeSans"}), ("zh-CN", {"FreeSerif", "FreeSans", "NotoSerifCJKjp", "NotoSansCJKjp"})],
)
def test_one_latin_pairing(site: Path, tag: str, families: set[str]) -> None:
    """FreeSerif text and FreeSans headings, nothing else (Noto CJK carries its JP-named CID fonts)."""
    listing = subprocess.run(["pdffonts", str(pdf_of(site, tag))], capture_output=True, text=True, check=True).stdout
    names = {line.split()[0].split("+", 1)[-1] for line in listing.splitlines()[2:]}
    found = {re.sub(r"-(Bold|Regular|Identity).*|Bold.*$|-Identity-H$", "", name) for name in names}
    assert found == families, names


@pytest.mark.parametrize("tag", ["en", "zh-CN"])
def test_a_three_page_release_fits_two_pages(site: Path, tag: str) -> None:
    """Measured before this layout: 3 pages in each language (contents list, chart alone or split)."""
    assert len(pages(pdf_of(site, tag))) == 2
