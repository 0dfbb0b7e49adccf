"""The publication's identity: its metadata in every language, the byline, the PDF's settings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.errors import ConfigError
from sphinx.locale import get_translation
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from szpub.core import l10n
from szpub.core.project import conf_line, name_problem, pdf_stem
from szpub.core.release import BYLINE, SOURCE_LINE, UPDATED_LINE, translate
from szpub.sphinx_ext import fonts
from szpub.sphinx_ext.latex import escape
from szpub.sphinx_ext.latex_layout import layout_preamble, setup_latex_layout

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)
_ = get_translation("sphinx")

_REQUIRED_FIELDS = ("title", "source", "updated")


@dataclass(frozen=True)
class Release:
    """The release's metadata, translated for one language."""

    title: str
    source: str
    portal: str
    subject: str
    source_line: str
    updated: dt.datetime
    language: str
    updated_line: str = ""  # "Updated: January 26, 2024, 10:01"
    byline_text: str = ""  # source line and updated line, joined as the language's catalog says

    @property
    def date(self) -> str:
        return l10n.format_long_date(self.updated.date(), self.language)

    @property
    def time(self) -> str:
        """The release's clock time in its own zone (conf.py's offset: Beijing time for Shenzhen)."""
        return l10n.format_time(self.updated, self.language)

    @property
    def site_name(self) -> str:
        """The portal that publishes the release names the site (masthead, og:site_name, publisher)."""
        return self.portal or self.title

    def byline(self) -> str:
        """Source and release time: the portal is where it is published, not a source."""
        return self.byline_text


def locales_dir(config: Config, srcdir: str | Path) -> Path:
    """The publication's catalogs folder: the first of ``locale_dirs``, resolved against the sources as Sphinx does."""
    return Path(srcdir, config.locale_dirs[0] if config.locale_dirs else "locales")


def load_release(config: Config, srcdir: str | Path) -> Release:
    """The configured release (``szpub_release``) translated into the build's language."""
    raw = config.szpub_release
    missing = [name for name in _REQUIRED_FIELDS if not raw.get(name)]
    if missing:
        raise ValueError(f"szpub_release in conf.py lacks {', '.join(missing)}")
    try:
        updated = dt.datetime.fromisoformat(raw["updated"])
    except (TypeError, ValueError):
        raise ValueError(f"szpub_release['updated'] is not an ISO date and time: {raw['updated']!r}") from None
    locales = locales_dir(config, srcdir)
    language = config.language
    texts = {name: raw.get(name) or "" for name in ("title", "source", "portal", "subject")}
    fields = {name: translate(language, text, locales) if text else "" for name, text in texts.items()}
    source_line = translate(language, SOURCE_LINE, locales) % {"source": fields["source"]}
    when = {
        "date": l10n.format_long_date(updated.date(), language),
        "time": l10n.format_time(updated, language),
    }
    updated_line = translate(language, UPDATED_LINE, locales) % when
    byline = translate(language, BYLINE, locales) % {"source_line": source_line, "updated_line": updated_line}
    return Release(
        **fields, source_line=source_line, updated=updated, language=language, updated_line=updated_line,
        byline_text=byline,
    )  # fmt: skip


class BylineDirective(SphinxDirective):
    """``{byline}``: source and release time, in the build's language (the PDF says it in its headline block)."""

    def run(self) -> list[nodes.Node]:
        release = load_release(self.config, self.env.srcdir)
        # translated through the publication catalog, not the page's
        return [nodes.paragraph("", release.byline(), classes=["szpub-byline"], translatable=False)]


def on_config_inited(app: Sphinx, config: Config) -> None:
    _check_names(app, config)
    try:
        release = load_release(config, app.srcdir)
    except ValueError as err:
        logger.warning("%s; using the project's name instead", err, type="szpub", subtype="config")
        fallback = {"title": config.project, "source": config.author, "updated": "1970-01-01T00:00:00"}
        config.szpub_release = {**config.szpub_release, **fallback}
        release = load_release(config, app.srcdir)
    config.project = release.title
    config.author = release.source
    config.html_title = release.title
    config.today = release.date
    config.release = config.version = ""
    config.copyright = str(_("© %(year)s %(source)s")) % {"year": release.updated.year, "source": release.source}
    fonts.use_xelatex(config)
    config.latex_theme = "howto"
    # Sphinx copies a latex_documents title and author into \title{} and \author{} as LaTeX markup
    stem = pdf_stem(config.szpub_slug, config.language)
    config.latex_documents = [(config.root_doc, stem + ".tex", escape(release.title), escape(release.source), "howto")]
    config.latex_elements = {**_latex_elements(release), **config.latex_elements}
    config.latex_show_urls = "no"


def _check_names(app: Sphinx, config: Config) -> None:
    """The slug and language name the .tex, the PDF and the downloads: never a path outside the output."""
    if name_problem("language", config.language):
        raise ConfigError(name_problem("language", config.language))
    problem = name_problem("szpub_slug", config.szpub_slug)
    if problem:
        location = _conf_location(app, "szpub_slug")
        logger.warning("%s; building as 'release'", problem, type="szpub", subtype="config", location=location)
        config.szpub_slug = "release"
        app.statuscode = 1  # whatever the warning settings: this build must not be published


def _conf_location(app: Sphinx, option: str) -> str:
    conf = Path(app.confdir, "conf.py")
    return f"{conf}:{conf_line(conf, option) or 1}"


def _latex_elements(release: Release) -> dict[str, str]:
    tag = l10n.bcp47(release.language)
    metadata = (
        f"\\hypersetup{{pdftitle={{{escape(release.title)}}}, pdfauthor={{{escape(release.source)}}}, "
        f"pdfsubject={{{escape(release.subject)}}}, pdflang={{{tag}}}, pdfcreator={{szpub}}}}\n"
    )
    # A press release, not a book: unnumbered sections, paragraphs apart rather than indented, and
    # running heads that say what it is on every page after the first (source and time are said once,
    # in the headline block).
    layout = (
        "\\setcounter{secnumdepth}{0}\n\\setlength{\\parskip}{0.6\\baselineskip}\n"
        f"\\fancypagestyle{{normal}}{{\\fancyhf{{}}\\fancyhead[L]{{\\small\\sffamily {escape(release.title)}}}"
        "\\fancyfoot[C]{\\small\\sffamily\\thepage}\\renewcommand{\\headrulewidth}{0.4pt}}\n"
    )
    elements = {
        "papersize": "a4paper",
        "pointsize": "11pt",
        "releasename": "",
        "printindex": "",
        "maketitle": _title_block(release),
        "preamble": metadata + layout,
    }
    if fonts.cjk_face(release.language):  # xeCJK without babel: the catalogs give the captions
        elements.update(fonts.latex_elements(release.language))
        elements["preamble"] += (
            fonts.cjk_preamble(release.language)
            + f"\\renewcommand{{\\contentsname}}{{{escape(str(_('Contents')))}}}\n"
        )
    elements["preamble"] += layout_preamble(release.language)
    return elements


def _title_block(release: Release) -> str:
    """A newsroom's headline block: the title, then the byline (source, release time) once; no running head here."""
    return (
        "\\begin{flushleft}\\sffamily\n"
        f"{{\\LARGE\\bfseries {escape(release.title)}\\par}}\\vspace{{0.8em}}\n"
        f"{{\\normalsize {escape(release.byline())}\\par}}\n"
        "\\end{flushleft}\\noindent\\rule{\\linewidth}{0.4pt}\\par\\thispagestyle{plain}\n"
    )


def setup_publication(app: Sphinx) -> None:
    app.add_config_value("szpub_release", {}, "env", types=frozenset({dict}))
    app.add_config_value("szpub_slug", "release", "env", types=frozenset({str}))
    app.add_directive("byline", BylineDirective)
    setup_latex_layout(app)
    app.connect("config-inited", on_config_inited, priority=400)
