"""The PDF's LaTeX route and fonts for each script: XeLaTeX always, xeCJK with the Noto CJK face of the region."""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils.writers.latex2e import Babel
from sphinx.builders.latex.constants import XELATEX_DEFAULT_FONTPKG

from szpub.core import l10n

if TYPE_CHECKING:
    from sphinx.config import Config

# Sphinx's own choices for Japanese (platex classes) that never load under XeLaTeX.
_PLATEX_CLASSES = frozenset({"jsbook", "jreport", "jsarticle", "ujbook", "ujreport", "ujarticle"})
# Noto CJK ships one face per region; glyph shapes differ (骨 and 角 in SC vs TC, 為 in TC vs HK).
_TERRITORY_FACE = {"HK": "HK", "MO": "HK", "TW": "TC"}
_LANGUAGE_FACE = {"ja": "JP", "ko": "KR"}
# Without glue between CJK and Latin or digits: 2024年1月26日, not 2024 年 1 月 26 日 (Korean keeps its spaces).
_NO_GLUE = frozenset({"zh", "ja"})


def cjk_face(language: str) -> str | None:
    """The Noto CJK region of a language (SC, TC, HK, JP, KR), or None for a language not written in CJK."""
    locale = l10n.parse_locale(language)
    if locale.language in _LANGUAGE_FACE:
        return _LANGUAGE_FACE[locale.language]
    if locale.language != "zh":
        return None
    if locale.territory in _TERRITORY_FACE:
        return _TERRITORY_FACE[locale.territory]
    return "TC" if locale.script == "Hant" else "SC"


def latex_elements(language: str) -> dict[str, str]:
    """``latex_elements`` for the language's script; empty for Latin (Sphinx's FreeSerif has the diacritics)."""
    face = cjk_face(language)
    if face is None:
        return {}
    fonts = (
        f"\\setCJKmainfont{{Noto Serif CJK {face}}}\n\\setCJKsansfont{{Noto Sans CJK {face}}}\n"
        f"\\setCJKmonofont{{Noto Sans Mono CJK {face}}}\n"
    )
    return {
        "babel": "",  # neither babel nor polyglossia: xeCJK sets the script, the catalogs the words
        "polyglossia": "",
        "fontenc": "\\usepackage{xeCJK}",
        "fvset": "\\fvset{fontsize=\\small,formatcom=\\xeCJKVerbAddon}",
        "fontpkg": XELATEX_DEFAULT_FONTPKG + fonts,
    }


def cjk_preamble(language: str) -> str:
    """The xeCJK settings of the language (after the fonts are loaded)."""
    if cjk_face(language) is None:
        return ""
    glue = l10n.parse_locale(language).language in _NO_GLUE
    return "\\xeCJKsetup{CJKecglue={}}\n" if glue else ""


def use_xelatex(config: Config) -> None:
    """XeLaTeX for every language; Japanese otherwise gets Sphinx's uplatex and a platex class."""
    config.latex_engine = "xelatex"
    config.latex_docclass = {
        theme: docclass for theme, docclass in config.latex_docclass.items() if docclass not in _PLATEX_CLASSES
    }
    # docutils knows no LaTeX name for Korean, and Sphinx warns about it (which fails a -W build); the
    # name only goes into babel/polyglossia options, which CJK builds leave out.
    Babel.language_codes.setdefault("ko", "korean")
