"""The figures' data model: locale formatting, phrases, and every kind of bad data file."""

from __future__ import annotations

from pathlib import Path

import pytest

from szpub.core import l10n
from szpub.core.figures import Figure, FiguresError, load_figures

REPO_FIGURES = Path(__file__).resolve().parent.parent / "docs" / "figures.yaml"


def fact(**fields: object) -> Figure:
    base: dict[str, object] = {"id": "x", "value": 1, "kind": "count", "period": "2023", "section": "s", "label": "L"}
    return Figure(**{**base, **fields})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "en", "zh"),
    [
        ({"value": 8002}, "8,002", "8002"),  # Chinese newsrooms group from five digits
        ({"value": 1234567, "kind": "amount"}, "1,234,567", "1,234,567"),
        ({"value": 86.6, "kind": "percent"}, "86.6%", "86.6%"),
        ({"value": 15, "kind": "percent"}, "15%", "15%"),
        ({"value": 2.75, "kind": "decimal"}, "2.75", "2.75"),
        ({"value": 8, "words": True}, "eight", "8"),  # Chinese counts in digits
        ({"value": 8}, "8", "8"),
        ({"value": 31, "words": True}, "31", "31"),  # no word for 31: digits
        ({"value": 1_200_000}, "1.2 million", "120万"),
        ({"value": 300_000_000_000, "kind": "amount"}, "300 billion", "3000亿"),
        ({"value": 1_234_567}, "1,234,567", "1,234,567"),  # not round: every digit
        ({"value": 12_345}, "12,345", "12,345"),  # five digits: grouped in Chinese too
        ({"value": 9_999.5, "kind": "decimal"}, "9,999.5", "9999.5"),
    ],
)
def test_format_per_locale(fields: dict[str, object], en: str, zh: str) -> None:
    assert fact(**fields).format("en") == en
    assert fact(**fields).format("zh_CN") == zh


@pytest.mark.parametrize(("grouping_from", "text"), [(4, "8,002"), (5, "8002"), (1, "8,002")])
def test_number_style_sets_where_grouping_starts(grouping_from: int, text: str) -> None:
    assert fact(value=8002).format("zh_CN", grouping_from=grouping_from) == text


def test_number_style_from_conf_overrides_the_default() -> None:
    assert l10n.min_grouping_digits("zh_CN") == 5
    assert l10n.min_grouping_digits("zh_CN", {"zh_CN": {"min_grouping_digits": 4}}) == 4
    assert l10n.min_grouping_digits("en", {"zh_CN": {"min_grouping_digits": 4}}) == 4


def test_an_unstated_period_is_empty_in_every_language() -> None:
    assert l10n.format_period("", "zh_CN") == l10n.format_period("", "en") == ""


def test_a_language_without_number_words_falls_back_to_digits() -> None:
    assert fact(value=8, words=True).format("de") == "8"


@pytest.mark.parametrize(
    ("fields", "phrase"),
    [
        ({"id": "a", "unit": "enterprises"}, "{fact-value}`a` enterprises"),
        ({"id": "b", "kind": "percent", "qualifier": "more than"}, "more than {fact-value}`b`"),
        ({"id": "c", "unit": "ports", "qualifier": "over"}, "over {fact-value}`c` ports"),
        (
            {"id": "d", "unit": "destinations", "qualifier": "a record high"},
            "{fact-value}`d` destinations, a record high",
        ),
    ],
)
def test_phrase_places_qualifier_and_unit(fields: dict[str, object], phrase: str) -> None:
    assert fact(**fields).phrase() == phrase


def test_the_release_figures_load_as_published() -> None:
    facts = load_figures(REPO_FIGURES)
    published = {
        "new_foreign_enterprises": 8002, "new_foreign_enterprises_growth": 86.6, "national_share": 15,
        "head_of_state_visits": 8, "airport_direct_cities": 31, "airport_passenger_routes": 22,
        "airport_cargo_destinations": 59, "port_shipping_routes": 248, "port_connected_ports": 300,
        "port_countries_regions": 100,
    }  # fmt: skip
    assert {key: f.value for key, f in facts.items()} == published
    assert facts["national_share"].qualifier == "more than"
    assert facts["port_connected_ports"].qualifier == "over"
    assert facts["airport_cargo_destinations"].qualifier == "a record high"


# line 1 "figures:", 2 "- id", 3 value, 4 kind, 5 period, 6 section, 7 label
GOOD = """figures:
  - id: one
    value: 8002
    kind: count
    period: "2023"
    section: investment
    label: New enterprises
"""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.replace("    kind: count\n", ""), "figures.yaml:2: figure 'one': missing field 'kind'"),
        (
            GOOD.replace("value: 8002", "value: lots"),
            "figures.yaml:3: figure 'one': field 'value' must be int or float, not str ('lots')",
        ),
        (
            GOOD.replace("kind: count", "kind: ratio"),
            "figures.yaml:4: figure 'one': unknown kind 'ratio' (one of count, decimal, percent, amount)",
        ),
        (GOOD + GOOD.split("\n", 1)[1], "figures.yaml:8: figure 'one': duplicate id (first at line 2)"),
        (GOOD.replace('"2023"', '"last year"'), "figures.yaml:5: figure 'one': period must be YYYY or YYYY-MM"),
        (
            GOOD.replace("    label:", "    colour: red\n    label:"),
            "figures.yaml:7: figure 'one': unknown field 'colour'",
        ),
        (
            GOOD.replace("value: 8002", "value: true"),
            "figures.yaml:3: figure 'one': field 'value' must be int or float, not bool (True)",
        ),
        ("figures: []\n", "figures.yaml:1: expected a non-empty list under 'figures:'"),
        ("figures:\n  - id: [unclosed\n", "figures.yaml:3: not valid YAML"),
        ("figures:\n  - just a string\n", "figures.yaml:2: each figure must be a mapping of fields"),
    ],
)
def test_bad_data_names_file_line_figure_and_field(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "figures.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FiguresError) as caught:
        load_figures(path)
    assert str(caught.value).startswith(f"{tmp_path}/{message}")


def test_good_data_loads(tmp_path: Path) -> None:
    path = tmp_path / "figures.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert load_figures(path)["one"].line == 2
