"""CAT-tool round trip: szpub xliff export|import and tmx export, read back with translate-toolkit (issue 14)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from lxml import etree
from translate.storage import pypo, tmx, xliff

from conftest import copy_publication, run_szpub

MESSAGES = Path("locales") / "zh_CN" / "LC_MESSAGES"


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    return copy_publication(tmp_path / "seed")


def _catalogs(root: Path) -> dict[str, bytes]:
    return {po.name: po.read_bytes() for po in sorted((root / MESSAGES).glob("*.po"))}


def _po_units(root: Path) -> dict[tuple[str, str], pypo.pounit]:
    """(catalog, msgid) -> unit, as translate-toolkit reads the .po files."""
    found = {}
    for po in sorted((root / MESSAGES).glob("*.po")):
        for unit in pypo.pofile.parsefile(str(po)).units:
            if not unit.isheader() and not unit.isobsolete():
                found[(po.name, str(unit.source))] = unit
    return found


def _export(root: Path, name: str = "zh.xlf") -> Path:
    result = run_szpub(root, "xliff", "export", "--lang", "zh-CN", "-o", name)
    assert result.returncode == 0, result.stderr
    return root / name


def _units(path: Path) -> dict[tuple[str, str], xliff.xliffunit]:
    store = xliff.xlifffile.parsestring(path.read_bytes())
    return {(str(u.getid()).split("\x04")[0], str(u.source)): u for u in store.unit_iter()}


def _edit(path: Path, msgid: str, target: str | None = None, source: str | None = None) -> int:
    """Changes one unit with translate-toolkit, like a CAT tool; the line of its trans-unit."""
    store = xliff.xlifffile.parsestring(path.read_bytes())
    unit = next(u for u in store.unit_iter() if str(u.source) == msgid)
    if target is not None:
        unit.target = target
    if source is not None:
        unit.source = source
    path.write_bytes(bytes(store))
    reread = xliff.xlifffile.parsestring(path.read_bytes())
    return next(u for u in reread.unit_iter() if u.getid() == unit.getid()).xmlelement.sourceline


def test_export_has_every_catalog_message_with_notes_locations_and_states(seed: Path) -> None:
    path = _export(seed)
    etree.fromstring(path.read_bytes())  # well-formed XML
    units, messages = _units(path), _po_units(seed)
    assert set(units) == set(messages) and len(units) > 50
    files = {f.get("original") for f in etree.parse(str(path)).getroot().iter("{*}file")}
    assert files == {po.name for po in (seed / MESSAGES).glob("*.po")}
    for key, message in messages.items():
        unit = units[key]
        assert str(unit.target or "") == str(message.target or ""), key
        assert unit.isfuzzy() == message.isfuzzy(), key
        assert unit.getlocations() == message.getlocations(), key
        for note in message.getnotes("developer").splitlines():
            assert note in unit.getnotes("developer"), key
    translated = next(u for u in units.values() if u.target)
    node = translated.getlanguageNode(lang=None, index=1)
    assert node.get("state") == "translated" and translated.isapproved()


def test_unchanged_round_trip_leaves_the_catalogs_byte_identical(seed: Path) -> None:
    before = _catalogs(seed)
    path = _export(seed)
    result = run_szpub(seed, "xliff", "import", str(path))
    assert result.returncode == 0, result.stderr
    assert "0 zh_CN catalog(s) changed" in result.stdout
    assert _catalogs(seed) == before


def test_an_imported_translation_and_a_review_state_reach_the_catalog(seed: Path) -> None:
    path = _export(seed)
    _edit(path, "Back to top", target="回到顶部")
    store = xliff.xlifffile.parsestring(path.read_bytes())
    unit = next(u for u in store.unit_iter() if str(u.source) == "Search")
    unit.markfuzzy()  # a reviewer asks for another look: needs-translation state, approved="no"
    unit.xmlelement.find("{*}target").set("state", "needs-review-translation")
    path.write_bytes(bytes(store))
    result = run_szpub(seed, "xliff", "import", str(path))
    assert result.returncode == 0, result.stderr
    assert "locales/zh_CN/LC_MESSAGES/sphinx.po: 2 message(s) changed" in result.stdout
    units = _po_units(seed)
    assert str(units[("sphinx.po", "Back to top")].target) == "回到顶部"
    assert units[("sphinx.po", "Search")].isfuzzy() and str(units[("sphinx.po", "Search")].target) == "搜索"
    po = seed / MESSAGES / "sphinx.po"
    subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po)], check=True, capture_output=True)


def test_a_target_that_fails_a_check_is_refused_at_its_xliff_line(seed: Path) -> None:
    before = _catalogs(seed)
    path = _export(seed)
    line = _edit(path, "Back to top", target="<script>alert(1)</script>返回顶部")
    result = run_szpub(seed, "xliff", "import", str(path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"szpub: error: {path}:{line}: [" in result.stderr and "html" in result.stderr
    assert _catalogs(seed) == before


@pytest.mark.parametrize("change", ["source", "id"])
def test_a_file_whose_sources_or_ids_no_longer_match_is_refused(seed: Path, change: str) -> None:
    before = _catalogs(seed)
    path = _export(seed)
    if change == "source":
        line = _edit(path, "Back to top", source="Back to the top")
        expected = "its source is not the msgid of sphinx.po"
    else:
        text = path.read_text(encoding="utf-8")
        unit = _units(path)[("sphinx.po", "Back to top")]
        identifier = str(unit.getid()).split("\x04")[1]
        path.write_text(text.replace(f'id="{identifier}"', 'id="0000000000000000"'), encoding="utf-8")
        line = text[: text.index(f'id="{identifier}"')].count("\n") + 1
        expected = "sphinx.po has no such message any more"
    result = run_szpub(seed, "xliff", "import", str(path))
    assert result.returncode == 1, result.stdout
    assert f"szpub: error: {path}:{line}: " in result.stderr and expected in result.stderr
    assert _catalogs(seed) == before


def test_a_broken_xliff_is_named_with_its_line(seed: Path) -> None:
    path = _export(seed)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[9] = lines[9].replace("</", "<", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_szpub(seed, "xliff", "import", str(path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"szpub: error: {path}:" in result.stderr and "not well-formed XML" in result.stderr


def test_tmx_holds_the_reviewed_translations(seed: Path) -> None:
    result = run_szpub(seed, "tmx", "export", "--lang", "zh_CN", "-o", "zh.tmx")
    assert result.returncode == 0, result.stderr
    store = tmx.tmxfile.parsestring((seed / "zh.tmx").read_bytes())
    pairs = {(str(u.source), str(u.target)) for u in store.units}
    expected = {(key[1], str(u.target)) for key, u in _po_units(seed).items() if u.target and not u.isfuzzy()}
    assert pairs == expected and len(pairs) > 50
    assert store.document.getroot().find("header").get("srclang") == "en"
