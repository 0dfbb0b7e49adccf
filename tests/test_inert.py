"""Untrusted release text, figures files and names stay inert: published as text, refused as file:line."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest

from conftest import SZPUB, copy_publication, run_szpub
from szpub.ingest import publication as ingest
from szpub.sphinx_ext.downloads import spreadsheet_safe

HOSTILE = Path(__file__).parent / "data" / "releases" / "hostile-markup.txt"
TITLE = r"Foreign investment up 86.6% in R&D #1, $5_bn ~ \input{/etc/hostname}"

_FIGURE = (
    '  - id: x\n    value: {value}\n    kind: count\n    period: "{period}"\n    section: talent\n    label: {label}\n'
)
BAD_FIGURES = {
    "nan": _FIGURE.format(value=".nan", period="2024", label="L"),
    "inf": _FIGURE.format(value="-.inf", period="2024", label="L"),
    "1e308": _FIGURE.format(value="1.0e308", period="2024", label="L"),
    "huge int": _FIGURE.format(value="9" * 5000, period="2024", label="L"),
    "newline label": _FIGURE.format(value="1", period="2024", label='"a\\nb"'),
    "period 0000": _FIGURE.format(value="1", period="0000", label="L"),
    "month 13": _FIGURE.format(value="1", period="2024-13", label="L"),
    "tag": _FIGURE.format(value="!!python/object/apply:os.system [id]", period="2024", label="L"),
    "int key": "figures:\n  - 1: x\n",
    "complex key": "figures:\n  - ? [a, b]\n    : x\n",
    "not a mapping": "figures:\n  - just text\n",
    "bidi override label": _FIGURE.format(value="1", period="2024", label='"up \u202e%51"'),
}
BOMB = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{n}: &{n} [{','.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)


@pytest.fixture(scope="module")
def _publication_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_publication(tmp_path_factory.mktemp("bad-data"))


@pytest.fixture
def bad_root(_publication_copy: Path) -> Iterator[Path]:
    """The copy, its figures file and glossary put back after each test."""
    saved = {name: (_publication_copy / name).read_bytes() for name in ("docs/figures.yaml", "locales/glossary.csv")}
    yield _publication_copy
    for name, data in saved.items():
        (_publication_copy / name).write_bytes(data)


def _check_fails_at(root: Path, expected: str, *args: str) -> str:
    started = time.monotonic()
    result = run_szpub(root, *(args or ("check", "--draft")))
    elapsed = time.monotonic() - started
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert expected in output, output
    assert "Traceback" not in output
    assert elapsed < 20, elapsed  # a hang guard only: the file is refused before anything expands
    return output


@pytest.mark.parametrize("name", sorted(BAD_FIGURES))
@pytest.mark.slow
def test_a_bad_figures_file_is_file_line(bad_root: Path, name: str) -> None:
    (bad_root / "docs" / "figures.yaml").write_text("figures:\n" + BAD_FIGURES[name].removeprefix("figures:\n"))
    _check_fails_at(bad_root, "docs/figures.yaml:")


@pytest.mark.slow
def test_a_billion_laughs_figures_file_is_refused_at_once(bad_root: Path) -> None:
    (bad_root / "docs" / "figures.yaml").write_text(BOMB)
    assert len(BOMB) < 1024
    output = _check_fails_at(bad_root, "docs/figures.yaml:1:")
    assert "aliases" in output


def test_invalid_utf8_figures_file_names_its_line(bad_root: Path) -> None:
    (bad_root / "docs" / "figures.yaml").write_bytes(b"figures:\n  - id: x\n    label: \xff\n")
    assert "not valid UTF-8 (byte 0xff)" in _check_fails_at(bad_root, "docs/figures.yaml:3:")


def test_plain_sphinx_build_reports_a_bad_figures_file_in_one_line(tmp_path: Path) -> None:
    root = copy_publication(tmp_path / "pub")
    (root / "docs" / "figures.yaml").write_text(BOMB)
    sphinx = Path(subprocess.sys.executable).with_name("sphinx-build")  # type: ignore[attr-defined]
    result = subprocess.run([str(sphinx), "-q", "-c", ".", "docs", str(tmp_path / "out")], cwd=root,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert [line for line in result.stderr.splitlines() if line.strip()] == [
        f"{root / 'docs' / 'figures.yaml'}:1: ERROR: YAML anchors and aliases (&, *) are not allowed: "
        "write each value out [szpub.figures]"
    ]


def test_a_bad_sections_file_is_file_line(tmp_path: Path) -> None:
    sections = tmp_path / "sections.yaml"
    sections.write_text(BOMB)
    args = ("ingest", str(HOSTILE), "--dry-run", "--sections", str(sections))
    output = _check_fails_at(tmp_path, f"{sections}:1:", *args)
    assert "aliases" in output


@pytest.mark.slow
def test_a_bad_glossary_is_file_line(bad_root: Path) -> None:
    (bad_root / "locales" / "glossary.csv").write_bytes(b"en,zh_CN\nport,\xff\n")
    _check_fails_at(bad_root, "glossary.csv:2")


@pytest.mark.parametrize("slug", ["../../x", "a/b", ".hidden", ""])
def test_a_slug_that_is_a_path_is_refused(tmp_path: Path, slug: str) -> None:
    root = copy_publication(tmp_path / "pub")
    conf = (root / "conf.py").read_text()
    lines = conf.splitlines()
    number = next(i for i, line in enumerate(lines, 1) if line.startswith("szpub_slug"))
    lines[number - 1] = f"szpub_slug = {slug!r}"
    (root / "conf.py").write_text("\n".join(lines) + "\n")
    _check_fails_at(root, f"conf.py:{number}: szpub_slug")
    assert not (tmp_path / "x").exists()


def test_spreadsheet_formulas_are_neutralised_and_numbers_kept() -> None:
    payloads = ["=HYPERLINK(\"http://evil\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]
    payloads += ["\uff1dHYPERLINK(\"http://evil\")", "\uff0b1", "\uff0d1", "\uff20SUM(A1)"]  # full-width = + - @
    assert [spreadsheet_safe(p) for p in payloads] == ["'" + p for p in payloads]
    assert [spreadsheet_safe(v) for v in (-5, 86.6, "port", "R&D")] == [-5, 86.6, "port", "R&D"]


def _fragments(release: Path) -> list[str]:
    """The release's text between its figures (which become roles): each must be published verbatim."""
    plan = ingest.prepare(release)
    texts = {0: plan.release.title, **{p.paragraph.number: p.paragraph.text for p in plan.placements}}
    pieces = []
    for number, text in texts.items():
        position = 0
        for figure in (f for f in plan.figures if f.paragraph == number):
            pieces.append(text[position:figure.start])
            position = figure.end
        pieces.append(text[position:])
    return [piece.strip() for piece in pieces if len(piece.strip()) > 3]


@pytest.mark.slow
def test_a_hostile_release_is_published_as_its_text(tmp_path: Path) -> None:
    out = tmp_path / "hostile"
    assert run_szpub(tmp_path, "ingest", str(HOSTILE), "--out", str(out)).returncode == 0
    result = run_szpub(out, "build", "--draft", "--format", "html", "--lang", "en")
    assert result.returncode == 0, result.stdout + result.stderr
    site = out / "_build" / "site" / "en"
    text = ""
    for page in ("index.html", "general.html"):
        tree = lxml.html.parse(str(site / page)).getroot()
        inline = [s for s in tree.iter("script") if not s.get("src")]
        data = [s for s in inline if s.get("type") == "application/ld+json"]  # JSON-LD: data, never run
        assert [s for s in inline if s not in data and "alert" in (s.text or "")] == []
        assert all("<" not in (s.text or "") and json.loads(s.text or "") for s in data)
        assert [a for e in tree.iter() if isinstance(e.tag, str) for a in e.attrib if a.startswith("on")] == []
        assert not [e for e in tree.iter("a") if (e.get("href") or "").startswith("javascript")]
        assert not list(tree.iter("img")), page
        main = tree.find_class("body")[0] if tree.find_class("body") else tree
        text += " ".join(main.text_content().split()) + "\n"
    missing = [piece for piece in _fragments(HOSTILE) if " ".join(piece.split()) not in text]
    assert missing == []
    assert "root:" not in text  # /etc/passwd was not included


@pytest.mark.slow
def test_a_hostile_title_gives_a_pdf_showing_it_and_reads_no_file(tmp_path: Path) -> None:
    root = copy_publication(tmp_path / "pub")
    conf = (root / "conf.py").read_text()
    title = next(line for line in conf.splitlines() if line.strip().startswith('"title":'))
    (root / "conf.py").write_text(conf.replace(title, f'    "title": {TITLE!r},', 1))
    result = run_szpub(root, "build", "--draft", "--format", "pdf", "--lang", "en")
    assert result.returncode == 0, result.stdout + result.stderr
    pdf = next((root / "_build" / "site" / "en").glob("*.pdf"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert TITLE in " ".join(text.split())
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert f"Title:           {TITLE}" in info
    latex = next(root.joinpath("_build").rglob("*-en.fls")).parent
    assert "/etc/hostname" not in next(latex.glob("*-en.fls")).read_text()
    assert "write18 enabled" not in next(latex.glob("*-en.log")).read_text(errors="replace")


_BACKTRACKING = "threshold: 1\nfallback: general\nsections:\n  - id: evil\n    title: Evil\n    keywords: []\n" \
    "    patterns: [{pattern!r}]\n  - id: general\n    title: General\n    keywords: []\n    patterns: []\n"


@pytest.mark.parametrize("pattern", ["(a+)+$", "(a|aa)+$"])
def test_a_sections_pattern_that_backtracks_is_stopped_at_its_line(tmp_path: Path, pattern: str) -> None:
    """Python's re takes hours on these over 60 letters; a pattern gets half a second per paragraph."""
    sections = tmp_path / "sections.yaml"
    sections.write_text(_BACKTRACKING.format(pattern=pattern))
    release = tmp_path / "release.txt"
    head = "Portal\nTitle\nFrom: Daily\nUpdated: 2024-03-01 09:30\n\nThe lede, which is never scored.\n\n"
    release.write_text(head + "a" * 60 + "b with 3 firms.\n")
    args = ("ingest", str(release), "--dry-run", "--sections", str(sections))
    result = subprocess.run([*SZPUB, *args], cwd=tmp_path, capture_output=True, text=True, timeout=30, check=False)
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    if result.returncode == 1:  # the regex engine gave up: the pattern is named at its section's line
        assert f"{sections}:4: section 'evil': pattern {pattern!r}" in output, output
    else:
        assert result.returncode == 0, output  # the regex engine needed no backtracking


def _release(tmp_path: Path, title: str, paragraph: str) -> Path:
    release = tmp_path / "release.txt"
    text = f"Portal\n{title}\nFrom: Daily\nUpdated: 2024-03-01 09:30\n\nThe lede with 3 firms.\n\n{paragraph}\n"
    release.write_bytes(text.encode("utf-8"))
    return release


@pytest.mark.slow
def test_line_and_paragraph_separators_in_a_release_are_spaces(tmp_path: Path) -> None:
    """U+2028, U+2029, NEL, form feed and vertical tab break lines in Python's splitlines (and so in a .pot reader)."""
    release = _release(tmp_path, "Title\u2028in\x0blines", "Alpha\u2029beta\x85gamma\x0cdelta 5 ports.")
    result = run_szpub(tmp_path, "ingest", str(release), "--out", str(tmp_path / "pub"))
    assert result.returncode == 0, result.stdout + result.stderr
    docs = " ".join(path.read_text(encoding="utf-8") for path in (tmp_path / "pub/docs").glob("*.md"))
    assert "Alpha beta gamma delta" in docs and not any(c in docs for c in "\u2028\u2029\x85\x0b\x0c")
    assert "Title in lines" in (tmp_path / "pub/conf.py").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("title", "paragraph", "line"),
    [("Ti\x00tle", "Text.", 2), ("Title", "A \x1b[31m red 5.", 8), ("Up \u202e%6.68", "Text.", 2)],
)
def test_a_control_character_in_a_release_is_file_line(tmp_path: Path, title: str, paragraph: str, line: int) -> None:
    release = _release(tmp_path, title, paragraph)
    _check_fails_at(tmp_path, f"{release}:{line}: ", "ingest", str(release), "--out", str(tmp_path / "pub"))
    assert not (tmp_path / "pub").exists()


def test_a_release_larger_than_any_press_release_is_refused_at_once(tmp_path: Path) -> None:
    """50 MB of 'word 5 ' ran szpub ingest --dry-run past 90 s at 900 MB (every 5 a drafted figure)."""
    release = _release(tmp_path, "Title", "word 5 " * 600_000)  # 4 MB
    _check_fails_at(tmp_path, f"{release}:1: ", "ingest", str(release), "--dry-run")


def test_a_bidi_override_in_a_msgstr_is_refused_at_its_line(bad_root: Path) -> None:
    """U+202E shows "增长%6.68" as "增长86.6%": a translation may not reorder what readers see."""
    catalog = bad_root / "locales" / "zh_CN" / "LC_MESSAGES" / "talent.po"
    saved = catalog.read_bytes()
    try:
        text = saved.decode("utf-8")
        position = text.rstrip().rfind('"')
        catalog.write_text(text[:position] + "\u202e68.6%" + text[position:], encoding="utf-8")
        output = _check_fails_at(bad_root, "locales/zh_CN/LC_MESSAGES/talent.po:")
        assert "bidirectional control character (U+202E)" in output
    finally:
        catalog.write_bytes(saved)
