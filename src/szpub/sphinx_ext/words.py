"""Words jieba must know to index Traditional Chinese: the Simplified catalogs' words, in Traditional forms."""

from __future__ import annotations

from typing import TYPE_CHECKING

from szpub.catalogs.pofiles import read_catalog
from szpub.core import l10n

if TYPE_CHECKING:
    from pathlib import Path

# jieba's dictionary is Simplified. Measured on this release's zh_HK pages: of the 319 words jieba finds in
# the zh_CN pages, 56 had no Traditional counterpart in the zh_HK index (外資企業 was cut into 外資/企業, so
# the query 外資企業, which the browser does not segment, found nothing); with the words below, 13 (the
# term list's HK forms and single characters).


def traditional_words(locales: Path, language: str) -> list[str]:
    """The multi-character words jieba finds in the Simplified catalogs, converted by OpenCC (s2hk, s2twp)."""
    source = l10n.word_source(language)
    if source is None or not (locales / source / "LC_MESSAGES").is_dir():
        return []
    folder = locales / source / "LC_MESSAGES"
    locale = l10n.parse_locale(language)
    import jieba
    import opencc

    convert = opencc.OpenCC("s2twp" if locale.territory == "TW" else "s2hk").convert
    texts = [str(m.string) for po in sorted(folder.glob("*.po")) for m in read_catalog(po) if m.id and m.string]
    words = {word for text in texts for word in jieba.cut_for_search(text) if len(word) > 1}
    return sorted(convert(word) for word in words)


def teach_jieba(locales: Path, language: str) -> int:
    """Adds the words to jieba's dictionary for this build; how many."""
    import jieba

    found = traditional_words(locales, language)
    for word in found:
        jieba.add_word(word)
    return len(found)


def source_digest(locales: Path, language: str) -> str:
    """A hash of the catalogs ``traditional_words`` reads: when it changes, every page is indexed again."""
    import hashlib

    digest = hashlib.sha256()
    source = l10n.word_source(language)
    if source is not None:
        for po in sorted((locales / source / "LC_MESSAGES").glob("*.po")):
            digest.update(po.name.encode() + b"\0" + po.read_bytes())
    return digest.hexdigest()
