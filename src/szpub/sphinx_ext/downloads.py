"""The figures as data for readers: CSV and JSON per language, and the ``{figures-download}`` role."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxRole

from szpub.core import l10n
from szpub.sphinx_ext.appendix import LocalizedFigure, localized_figures

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)

DOWNLOAD_FORMATS = ("csv", "json")
# Each row: label, text and period_text in the reader's language; qualifier and unit are the figures file's
# code values ("more than", "ports"), the same in every language (text has them translated); period and
# period_text are empty (null in JSON) where the release states no period.
CSV_COLUMNS = ("id", "label", "value", "qualifier", "unit", "kind", "text", "period", "period_text", "section")


def download_name(config: Config, suffix: str) -> str:
    """The data file of the build's language: ``<slug>-figures-<folder>.<suffix>``."""
    return f"{config.szpub_slug}-figures-{l10n.folder_name(config.language)}.{suffix}"


class DownloadRole(SphinxRole):
    """``{figures-download}`csv```: a link to the figures as CSV or JSON, in the page's language."""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        suffix = self.text.strip()
        if suffix not in DOWNLOAD_FORMATS:
            logger.warning(
                "unknown download %r (csv or json)",
                suffix,
                type="szpub",
                subtype="download",
                location=self.get_location(),
            )
            return [nodes.problematic(self.rawtext, self.rawtext)], []
        uri = "../" * self.env.docname.count("/") + download_name(self.config, suffix)
        return [nodes.reference(self.rawtext, suffix.upper(), refuri=uri, classes=["szpub-download"])], []


def figures_csv(rows: list[LocalizedFigure]) -> bytes:
    """UTF-8 with a BOM, so that spreadsheet programs read Chinese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        fact = row.fact
        cells = [
            fact.id, row.label, fact.value, fact.qualifier, fact.unit, fact.kind, row.text, fact.period, row.period,
            fact.section,
        ]  # fmt: skip
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# and their full-width forms, which spreadsheets with East Asian input settings take as the same
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet_safe(cell: object) -> object:
    """A text cell a spreadsheet would run as a formula gets a leading ``'`` (OWASP, CSV injection); numbers stay."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


def figures_json(rows: list[LocalizedFigure], language: str) -> bytes:
    records = [
        {
            "id": r.fact.id,
            "label": r.label,
            "value": r.fact.value,
            "kind": r.fact.kind,
            "text": r.text,
            "qualifier": r.fact.qualifier or None,
            "unit": r.fact.unit or None,
            "period": r.fact.period or None,
            "period_text": r.period or None,
            "section": r.fact.section,
        }
        for r in rows
    ]
    document = {"language": l10n.bcp47(language), "figures": records}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def on_build_finished(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    rows = localized_figures(app)
    outdir = Path(app.outdir)
    (outdir / download_name(app.config, "csv")).write_bytes(figures_csv(rows))
    (outdir / download_name(app.config, "json")).write_bytes(figures_json(rows, app.config.language))


def setup_downloads(app: Sphinx) -> None:
    app.add_role("figures-download", DownloadRole())
    app.connect("build-finished", on_build_finished)
