"""Runs one sphinx-build for ``szpub build``, with the Chinese search dictionary cached between runs.

Sphinx's Chinese search loads jieba's own main dictionary a second time as a "user dictionary"
(``html_search_options['dict']`` defaults to it), which costs seconds on every HTML build. The state
that load leaves behind (word frequencies, their total, word tags, forced splits) is saved once under
``$SZPUB_CACHE_DIR`` and restored on the next runs, so the search index is byte for byte the one plain
sphinx-build writes, only sooner.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from pathlib import Path
from typing import Any

CACHE_ENV = "SZPUB_CACHE_DIR"


def _cache_file(dictionary: str) -> Path | None:
    folder = os.environ.get(CACHE_ENV)
    if not folder:
        return None
    import jieba

    stat = Path(dictionary).stat()
    key = f"{Path(dictionary).resolve()}:{stat.st_size}:{stat.st_mtime_ns}:{jieba.__version__}:untaught"
    return Path(folder) / f"jieba-userdict-{hashlib.sha256(key.encode()).hexdigest()[:16]}.marshal"


def _restore(cache: Path) -> bool:
    import jieba
    from jieba import finalseg

    try:
        freq, total, tags, forced = marshal.loads(cache.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return False
    tokenizer = jieba.dt
    with tokenizer.lock:
        tokenizer.FREQ, tokenizer.total, tokenizer.initialized = freq, total, True
        tokenizer.user_word_tag_tab.update(tags)
    for word in forced:
        finalseg.add_force_split(word)
    return True


def _load_and_save(load: Any, dictionary: str, cache: Path) -> None:
    import jieba
    from jieba import finalseg

    forced: list[str] = []
    add_force_split = finalseg.add_force_split

    def recording_add_force_split(word: str) -> None:
        forced.append(word)
        add_force_split(word)

    finalseg.add_force_split = recording_add_force_split
    try:
        load(dictionary)
    finally:
        finalseg.add_force_split = add_force_split
    tokenizer = jieba.dt
    state = marshal.dumps((tokenizer.FREQ, tokenizer.total, tokenizer.user_word_tag_tab, forced))
    cache.parent.mkdir(parents=True, exist_ok=True)
    partial = cache.with_name(f".{cache.name}.{os.getpid()}")
    partial.write_bytes(state)
    partial.replace(cache)


def _install_dictionary_cache() -> None:
    try:
        from sphinx.search import zh
    except ImportError:
        return
    if not zh.JIEBA_DEFAULT_DICT:  # jieba is not installed
        return
    load = zh.jieba_load_userdict

    def cached_load_userdict(dictionary: str) -> None:
        import jieba

        cache = _cache_file(dictionary)
        # Words taught before the load (szpub's Traditional Chinese search) are part of the state the
        # cache would replace or save: a restore would drop them, a save would hand them to other builds.
        if cache is None or jieba.dt.initialized:
            load(dictionary)
        elif not (cache.is_file() and _restore(cache)):
            _load_and_save(load, dictionary, cache)

    zh.jieba_load_userdict = cached_load_userdict


def _import_jieba_without_pkg_resources() -> None:
    """Imports jieba (szpub's search extension loads it in every run) without pkg_resources.

    jieba imports pkg_resources, which scans every installed distribution, only to open its own data
    files, and opens them with plain ``open()`` when it cannot: the same bytes, a tenth of a second
    sooner in each run.
    """
    if "pkg_resources" in sys.modules:
        return
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # makes the import raise ImportError
    try:
        import jieba  # noqa: F401
    except ImportError:
        pass
    finally:
        if sys.modules.get("pkg_resources", ...) is None:
            del sys.modules["pkg_resources"]


def main(argv: list[str]) -> int:
    _import_jieba_without_pkg_resources()
    _install_dictionary_cache()
    from sphinx.cmd.build import main as sphinx_main

    return sphinx_main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
