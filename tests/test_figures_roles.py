"""The {fact} role and the generated appendix, in small Sphinx builds (sphinx.testing)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from sphinx.util.console import strip_escape_sequences

if TYPE_CHECKING:
    from sphinx.testing.util import SphinxTestApp


def warnings(app: SphinxTestApp) -> str:
    return strip_escape_sequences(app.warning.getvalue())


def text_of(app: SphinxTestApp, page: str) -> str:
    html = (app.outdir / page).read_text(encoding="utf-8")
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", main))


@pytest.mark.sphinx("html", testroot="facts", freshenv=True)
def test_role_renders_the_figure_for_english(app: SphinxTestApp) -> None:
    app.build()
    assert "There were 8,002 new firms, up 86.6%." in text_of(app, "index.html")


@pytest.mark.sphinx("html", testroot="facts", freshenv=True)
def test_unknown_figure_in_prose_names_file_and_line(app: SphinxTestApp) -> None:
    app.build()
    assert re.search(r"index\.md:6: WARNING: unknown figure 'no_such_figure'.*\[szpub\.fact\]", warnings(app))


@pytest.mark.sphinx("html", testroot="facts", freshenv=True)
def test_a_figure_never_cited_is_a_warning_at_its_line(app: SphinxTestApp) -> None:
    app.build()
    assert re.search(
        r"figures\.yaml:17: WARNING: figure 'forgotten' is never cited in the prose \[szpub\.uncited\]", warnings(app)
    )
    assert "'firms' is never cited" not in warnings(app)


@pytest.mark.sphinx("html", testroot="facts", confoverrides={"language": "zh_CN"}, freshenv=True)
def test_role_works_inside_a_translation(app: SphinxTestApp) -> None:
    app.build()
    text = text_of(app, "index.html")
    assert "新设企业8002家，增长86.6%。" in text
    assert "8002家" in text  # grouped from five digits only (szpub_number_style); the appendix's translated phrase


@pytest.mark.sphinx("html", testroot="facts", confoverrides={"language": "zh_CN"}, freshenv=True)
def test_unknown_figure_in_a_msgstr_is_refused_at_its_catalog_line(app: SphinxTestApp) -> None:
    """A role the msgid lacks is outside the allow-list: refused at file.po:LINE, the source text is shown."""
    app.build()
    refused = r"ERROR: locales/zh_CN/LC_MESSAGES/index\.po:\d+: the role \{fact\}`typo_in_translation`"
    assert re.search(refused, warnings(app))
    assert app.statuscode == 1
    assert "typo_in_translation" not in text_of(app, "index.html")


@pytest.mark.sphinx("html", testroot="facts", confoverrides={"language": "zh_CN"}, freshenv=True)
def test_appendix_lists_every_figure_with_localized_period_and_source(app: SphinxTestApp) -> None:
    app.build()
    text = text_of(app, "index.html")
    for expected in ("新设企业", "Growth", "Never cited", "2023年"):
        assert expected in text
    assert "来源：测试日报" not in text  # the byline is said once, under the title, not again after the table
