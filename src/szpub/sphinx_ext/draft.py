"""Drafts look like drafts: a banner on every page, the PDF's running head, and no search-engine indexing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from babel import Locale

if TYPE_CHECKING:
    from sphinx.application import Sphinx

# The mark itself, in the language of the page. Not a catalog message: a draft's catalogs are the ones that
# are not translated yet, and the mark must be in the reader's language exactly then.
DRAFT_MARKS = {"en": "DRAFT", "zh": "草稿"}
ROBOTS = '<meta name="robots" content="noindex, nofollow">\n'


def draft_mark(language: str | None) -> str:
    """The draft mark of ``language`` (English for languages without one of their own)."""
    code = Locale.parse(language or "en").language
    return DRAFT_MARKS.get(code, DRAFT_MARKS["en"])


def on_config_inited(app: Sphinx, config: Any) -> None:
    if not config.szpub_draft:
        return
    mark = draft_mark(config.language)
    # above the running head, in the top margin, so that it never overlaps the title or the source and date
    head = f"\\fancyhead[C]{{\\smash{{\\raisebox{{2.5\\baselineskip}}{{\\sffamily\\bfseries {mark}}}}}}}"
    patch = (
        "\n% szpub: a draft (szpub build --draft)\n\\makeatletter"
        f"\\let\\szpub@ps@normal\\ps@normal\\def\\ps@normal{{\\szpub@ps@normal{head}}}"
        f"\\let\\szpub@ps@plain\\ps@plain\\def\\ps@plain{{\\szpub@ps@plain{head}}}\\makeatother\n"
    )
    elements = dict(config.latex_elements)
    elements["preamble"] = elements.get("preamble", "") + patch
    config.latex_elements = elements


def on_html_page_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    if app.config.szpub_draft:
        context["szpub_draft"] = draft_mark(app.config.language)
        context["metatags"] = context.get("metatags", "") + ROBOTS


def setup_draft(app: Sphinx) -> None:
    # "env": a draft and a release build of the same sources are different builds (Sphinx rewrites every page)
    app.add_config_value("szpub_draft", False, "env", types=frozenset({bool}))
    app.connect("config-inited", on_config_inited, priority=500)  # after publication's preamble (400)
    app.connect("html-page-context", on_html_page_context, priority=600)  # after site's metatags (500)
