"""Translation memory: another publication's catalogs and glossary prefill a new one (issue 14)."""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from translate.storage import pypo

from conftest import copy_publication, run_szpub
from szpub.catalogs.memory import Memory, Remembered, normalize, substitute

RELEASES = Path(__file__).parent / "data" / "releases"
PORT = RELEASES / "szgov-2024-03-15-port-throughput.txt"


@pytest.fixture(scope="module")
def prefilled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The seed publication (the memory) and the port release ingested with it."""
    root = tmp_path_factory.mktemp("memory")
    seed = copy_publication(root / "seed")
    result = run_szpub(root, "ingest", str(PORT), "--out", "port", "--memory", "seed")
    assert result.returncode == 0, result.stderr
    return seed, root / "port"


def _units(po: Path) -> dict[str, pypo.pounit]:
    """The catalog as translate-toolkit reads it: msgid -> unit."""
    store = pypo.pofile.parsefile(str(po))
    return {str(unit.source): unit for unit in store.units if not unit.isheader()}


def test_site_strings_come_over_translated_with_their_origin(prefilled: tuple[Path, Path]) -> None:
    seed, port = prefilled
    messages = port / "locales" / "zh_CN" / "LC_MESSAGES"
    seed_messages = seed / "locales" / "zh_CN" / "LC_MESSAGES"
    sphinx, seed_sphinx = _units(messages / "sphinx.po"), _units(seed_messages / "sphinx.po")
    assert sphinx and set(sphinx) <= set(seed_sphinx)
    for msgid, unit in sphinx.items():
        assert str(unit.target) == str(seed_sphinx[msgid].target) and not unit.isfuzzy(), msgid
        assert "memory: seed/locales/zh_CN/LC_MESSAGES/sphinx.po" in unit.getnotes("developer"), msgid
    publication = _units(messages / "publication.po")
    assert str(publication["Source: %(source)s"].target) == "来源：%(source)s"
    assert str(publication["Shenzhen Government Online"].target) == "深圳政府在线"
    assert not publication["Shenzhen Port handles 4.6 million TEUs in first two months"].target  # new: untranslated
    appendix = _units(messages / "appendix.po")
    headings = [str(appendix[h].target) for h in ("Figure", "Value", "Period", "Cited in")]
    assert headings == ["指标", "数值", "时间", "所在章节"]
    for po in messages.glob("*.po"):  # GNU gettext accepts every prefilled catalog
        subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po)], check=True, capture_output=True)


def test_glossary_comes_over(prefilled: tuple[Path, Path]) -> None:
    seed, port = prefilled
    with (seed / "locales" / "glossary.csv").open(encoding="utf-8", newline="") as file:
        expected = [(row["en"], row["zh_CN"]) for row in csv.DictReader(file)]
    with (port / "locales" / "glossary.csv").open(encoding="utf-8", newline="") as file:
        assert [(row["en"], row["zh_CN"]) for row in csv.DictReader(file)] == expected
    assert len(expected) >= 4


@pytest.mark.slow
def test_stat_shows_what_came_from_memory(prefilled: tuple[Path, Path]) -> None:
    _, port = prefilled
    result = run_szpub(port, "stat", "--json")
    assert result.returncode == 0, result.stderr
    rows = {row["catalog"]: row for row in json.loads(result.stdout)}
    sphinx = rows["locales/zh_CN/LC_MESSAGES/sphinx.po"]
    assert sphinx["from_memory"] == sphinx["translated"] > 20 and sphinx["untranslated"] == 0
    assert rows["locales/zh_CN/LC_MESSAGES/connectivity.po"]["from_memory"] == 0  # new prose: nothing known
    total = rows["total zh_CN"]
    assert 0 < total["from_memory"] < total["translated"] + total["fuzzy"] + total["untranslated"]


def test_a_later_update_keeps_the_prefill_and_its_note(prefilled: tuple[Path, Path], tmp_path: Path) -> None:
    _, port = prefilled
    before = (port / "locales" / "zh_CN" / "LC_MESSAGES" / "sphinx.po").read_bytes()
    result = run_szpub(port, "update")
    assert result.returncode == 0, result.stderr
    assert (port / "locales" / "zh_CN" / "LC_MESSAGES" / "sphinx.po").read_bytes() == before


def _catalog(*messages: tuple[str, str]) -> Catalog:
    catalog = Catalog(locale="zh_CN")
    for msgid, msgstr in messages:
        catalog.add(msgid, msgstr)
    return catalog


def test_same_sentence_with_other_figure_ids_is_translated_with_the_new_ids() -> None:
    old = "Shenzhen Port now operates {fact}`port_shipping_routes` international shipping routes."
    text, ids = normalize(old)
    assert ids == ("port_shipping_routes",) and "port_shipping_routes" not in text
    remembered = Remembered(old, "深圳港现有国际航线{fact}`port_shipping_routes`条。", ids, "seed/x.po")
    memory = Memory((Path("seed"),), {"zh_CN": {text: remembered}})
    new = _catalog(("Shenzhen Port now operates {fact}`routes` international shipping routes.", ""))
    assert memory.prefill(new, "zh_CN") == (1, 0)
    message = new["Shenzhen Port now operates {fact}`routes` international shipping routes."]
    assert message.string == "深圳港现有国际航线{fact}`routes`条。" and not message.fuzzy
    assert message.auto_comments == ["memory: seed/x.po"]


def test_a_close_sentence_is_fuzzy_and_a_different_one_is_left_alone() -> None:
    old = "The airport has direct passenger flights to {fact}`cities` international and regional cities."
    text, ids = normalize(old)
    memory = Memory((Path("seed"),), {"zh_CN": {text: Remembered(old, "机场与{fact}`cities`个城市直航。", ids, "x")}})
    close = "The airport now has direct passenger flights to {fact}`direct` international and regional cities."
    other = "Residents can call the hotline for advice on social insurance."
    new = _catalog((close, ""), (other, ""))
    assert memory.prefill(new, "zh_CN") == (0, 1)
    assert new[close].fuzzy and new[close].string == "机场与{fact}`direct`个城市直航。"
    assert new[close].previous_id == [old] and new[close].auto_comments == ["memory: x"]
    assert new[other].string == "" and not new[other].auto_comments


def test_ids_are_substituted_by_position_and_a_translation_that_reorders_them_keeps_its_order() -> None:
    assert substitute("{fact}`b`占{fact}`a`", ("a", "b"), ("x", "y")) == "{fact}`y`占{fact}`x`"
    assert substitute("{fact}`a`和{fact}`a`", ("a", "a"), ("x", "y")) is None  # one id for two: cannot tell


def test_a_memory_that_is_not_a_publication_is_one_line(tmp_path: Path) -> None:
    result = run_szpub(tmp_path, "ingest", str(PORT), "--out", "out", "--memory", "nowhere")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("szpub: error: ") and "--memory nowhere: not a publication" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_update_with_a_memory_fills_what_ingest_left_untranslated(tmp_path: Path) -> None:
    copy_publication(tmp_path / "seed")
    result = run_szpub(tmp_path, "ingest", str(PORT), "--out", "port")
    assert result.returncode == 0, result.stderr
    sphinx = tmp_path / "port" / "locales" / "zh_CN" / "LC_MESSAGES" / "sphinx.po"
    assert all(not unit.target for unit in _units(sphinx).values())
    result = run_szpub(tmp_path / "port", "update", "--memory", "../seed", "--memory", "../seed")
    assert result.returncode == 0, result.stderr
    units = _units(sphinx)
    counts = f"(0 new, 0 from other pages, 0 fuzzy, 0 obsolete, {len(units)} from memory)"
    assert f"locales/zh_CN/LC_MESSAGES/sphinx.po: updated {counts}" in result.stdout
    note = "memory: ../seed/locales/zh_CN/LC_MESSAGES/sphinx.po"
    assert all(unit.target and note in unit.getnotes() for unit in units.values())
    again = run_szpub(tmp_path / "port", "update", "--memory", "../seed")
    assert "0 created, 0 updated" in again.stdout and "0 glossary term(s) from memory" in again.stdout
