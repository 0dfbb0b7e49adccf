"""Search in every language: a Chinese index that works in the browser, and search interface strings from sphinx.po."""

from __future__ import annotations

import json
import logging as std_logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import sphinx
from sphinx.search.zh import SearchChinese
from sphinx.util import logging

from szpub.catalogs.pofiles import CatalogError, read_catalog
from szpub.catalogs.safety import refusals
from szpub.sphinx_ext import words

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

_SPHINX_DIR = Path(sphinx.__file__).parent
_JS_PREFIX = "Documentation.addTranslations("
INTERFACE = "sphinx"  # the catalog of the theme's and Sphinx's strings


def _english_stemmer_js() -> str | None:
    """Sphinx's minified Snowball English stemmer, exposed as the ``Stemmer`` that searchtools.js expects.

    None when this Sphinx ships no such files (before 9.0, Chinese used an inline Porter stemmer).
    """
    js_dir = _SPHINX_DIR / "search" / "minified-js"
    files = [js_dir / name for name in ("base-stemmer.js", "english-stemmer.js")]
    if not all(file.is_file() for file in files):
        return None
    return "\n".join([*(file.read_text(encoding="utf-8") for file in files), "window.Stemmer = EnglishStemmer;"])


_STEMMER_JS = _english_stemmer_js()


def needs_stemmer_fix() -> bool:
    """Whether Sphinx's Chinese search loads a Snowball stemmer file (the 9.0 layout) that szpub can inline."""
    return bool(SearchChinese.js_stemmer_rawcode) and _STEMMER_JS is not None


class SearchChineseStemmed(SearchChinese):
    """Sphinx's Chinese search (jieba words, English-stemmed Latin words) with a browser stemmer that exists.

    Sphinx 9.0.x ships ``english-stemmer.js`` for Chinese but ends language_data.js with
    ``window.Stemmer = ChineseStemmer``, a name nothing defines, so the search page throws. The same
    English stemmer the index uses (Snowball, as in Python) is inlined here under the right name.

    For Traditional Chinese it also teaches jieba the words of the Simplified catalogs (``words``),
    after Sphinx has loaded jieba's user dictionary: taught before, they would make that load's
    result another than the one szpub's runner caches, and every Traditional build would load it again.
    """

    if needs_stemmer_fix():
        js_stemmer_rawcode = ""
        js_stemmer_code = _STEMMER_JS or SearchChinese.js_stemmer_code
    # (catalog folder, language) of the build under way, set at builder-inited; None: nothing to teach
    teach_from: ClassVar[tuple[Path, str] | None] = None

    def __init__(self, options: dict[str, str]) -> None:
        super().__init__(options)
        if self.teach_from is not None:
            words.teach_jieba(*self.teach_from)


def quiet_jieba() -> None:
    """jieba logs its dictionary loading at DEBUG level to stderr on every build."""
    try:
        import jieba
    except ImportError:
        return
    jieba.setLogLevel(std_logging.WARNING)


def _has_jieba() -> bool:
    try:
        import jieba  # noqa: F401
    except ImportError:
        return False
    return True


def catalog_messages(po_file: Path) -> tuple[dict[str, str | list[str]], str]:
    """A sphinx.po's translated, non-fuzzy, allowed messages as translations.js holds them, and its plural expression.

    Read strictly (a catalog that cannot be read gives nothing: the guard has already failed the build).
    """
    try:
        catalog = read_catalog(po_file)
    except CatalogError:
        return {}, ""
    messages: dict[str, str | list[str]] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple | list):
            strings = [str(string) for string in message.string or ()]
            if strings and all(strings) and not any(refusals(INTERFACE, message.id[0], s) for s in strings):
                messages[message.id[0]] = strings
        elif message.string and not refusals(INTERFACE, message.id, str(message.string)):  # never publish markup
            messages[message.id] = str(message.string)
    return messages, catalog.plural_expr or ""  # read_catalog refused any Plural-Forms outside gettext's grammar


def builtin_translations(language: str) -> dict[str, Any]:
    """Sphinx's own translations.js content for the language, or an empty catalog."""
    js_file = _SPHINX_DIR / "locale" / language / "LC_MESSAGES" / "sphinx.js"
    if not js_file.is_file():
        return {"messages": {}, "plural_expr": "0", "locale": language}
    text = js_file.read_text(encoding="utf-8").strip()
    return json.loads(text.removeprefix(_JS_PREFIX).removesuffix(";").removesuffix(")"))


def interface_catalogs(app: Sphinx) -> list[Path]:
    """The project's sphinx.po files for the build's language (the translators' interface strings)."""
    language = app.config.language
    found = (Path(app.srcdir, folder, language, "LC_MESSAGES", f"{INTERFACE}.po") for folder in app.config.locale_dirs)
    return [path for path in found if path.is_file()]


def translations_js(app: Sphinx) -> str | None:
    """translations.js: Sphinx's catalog for the language, overridden by the project's sphinx.po."""
    catalogs = interface_catalogs(app)
    if not catalogs:
        return None
    data = builtin_translations(app.config.language)
    for po_file in reversed(catalogs):  # the first locale dir wins, as in Sphinx
        messages, plural_expr = catalog_messages(po_file)
        data["messages"].update(messages)
        data["plural_expr"] = plural_expr or data["plural_expr"]
    return f"{_JS_PREFIX}{json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)});\n"


def on_builder_inited(app: Sphinx) -> None:
    SearchChineseStemmed.teach_from = None  # set again below for a Traditional Chinese HTML build
    if app.builder.format != "html":
        return
    if app.config.language.startswith("zh") and not _has_jieba():
        logger.warning(
            "jieba is not installed: the Chinese search index will hold no Chinese words (pip install jieba)",
            type="szpub",
            subtype="search",
        )
    teach = app.config.language.startswith("zh") and app.config.locale_dirs and _has_jieba()
    locales = Path(app.srcdir, app.config.locale_dirs[0]) if teach else None
    # words.teach_jieba teaches Traditional Chinese only; add_search_language registers the class for every
    # app of the process, so this is set (or cleared) at each HTML build's start
    SearchChineseStemmed.teach_from = (locales, app.config.language) if locales else None
    builtin = _SPHINX_DIR / "locale" / app.config.language / "LC_MESSAGES" / "sphinx.js"
    if interface_catalogs(app) and not builtin.is_file():
        app.add_js_file("translations.js")  # Sphinx links it only when it finds a sphinx.js


def on_build_finished(app: Sphinx, exception: Exception | None) -> None:
    """Replaces the translations.js Sphinx copied with one made from the project's catalogs."""
    if exception is not None or app.builder.format != "html":
        return
    content = translations_js(app)
    if content is not None:
        static = Path(app.outdir, "_static")
        static.mkdir(parents=True, exist_ok=True)
        (static / "translations.js").write_text(content, encoding="utf-8")


def on_env_get_outdated(app: Sphinx, env: Any, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    """Every page again when the words taught to jieba changed: each page's index entries depend on them.

    Sphinx re-indexes only the pages it reads; without this a zh_CN catalog edit left the zh_HK index
    cut with the old words until a cold build.
    """
    if SearchChineseStemmed.teach_from is None:
        return []
    digest = words.source_digest(*SearchChineseStemmed.teach_from)
    previous = getattr(env, "szpub_words_digest", None)
    env.szpub_words_digest = digest
    return sorted(env.found_docs) if previous not in (None, digest) else []


def setup_search(app: Sphinx) -> None:
    quiet_jieba()
    app.add_search_language(SearchChineseStemmed)
    app.connect("builder-inited", on_builder_inited)
    app.connect("env-get-outdated", on_env_get_outdated)
    app.connect("build-finished", on_build_finished)
