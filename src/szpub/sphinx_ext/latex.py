"""Text as LaTeX: every string from a release, a catalog or the figures file typesets as exactly itself."""

from __future__ import annotations

import re

from sphinx.util import texescape

_CONTROLS = re.compile(r"[\x00-\x1f\x7f]+")


def escape(text: str) -> str:
    """``86.6% in R&D``, ``\\input{…}`` and ``{,}=`` come out as those characters, in text and in PDF metadata.

    Sphinx fills its escape maps only when the LaTeX builder starts: at config-inited they are empty and
    ``texescape.escape`` returns its input unchanged (measured on Sphinx 9.0.4), so fill them first.
    """
    if not texescape.tex_replace_map:
        texescape.init()
    escaped = texescape.escape(_CONTROLS.sub(" ", text), "xelatex")  # a blank line would end hypersetup's argument
    # \sphinxhyphen{} vanishes from PDF metadata ("higherlevel"); {-} keeps the hyphen and still stops -- ligatures
    return escaped.replace(r"\sphinxhyphen{}", "{-}")
