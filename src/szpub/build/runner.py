"""Runs sphinx-build for ``szpub build``: started warm, with the Chinese search dictionary cached.

Warm: a child forked from a server that has already imported Sphinx, MyST, szpub's extension and
jieba (``multiprocessing``'s forkserver), instead of a new interpreter importing them again for every
target (0.6-0.9 s each, measured). Each child is forked from the server, never from an earlier build,
so every run starts from the same state a new process would.

Sphinx's Chinese search loads jieba's own main dictionary a second time as a "user dictionary"
(``html_search_options['dict']`` defaults to it), which costs seconds on every HTML build. The state
that load leaves behind (word frequencies, their total, word tags, forced splits) depends only on the
installed jieba: it is saved once per user (``$SZPUB_CACHE_DIR``, by default ``~/.cache/szpub``) and
restored on the next runs, so the search index is byte for byte the one plain sphinx-build writes,
only sooner.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import hashlib
import marshal
import multiprocessing
import multiprocessing.forkserver
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CACHE_ENV = "SZPUB_CACHE_DIR"
COLD_ENV = "SZPUB_COLD_START"  # set: every run is a new interpreter (to compare, or where fork is unsafe)
# what every sphinx-build of a publication imports (python -X importtime): the server imports it once
_PRELOAD = (
    "sphinx.cmd.build",
    "sphinx.application",
    "sphinx.builders.html",
    "sphinx.builders.latex",
    "sphinx.builders.gettext",
    "sphinx.search",
    "myst_parser.sphinx_ext.main",
    "szpub.sphinx_ext",
    "sphinx.search.zh",
)


def run_sphinx(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``sphinx-build ARGV`` with this environment, in a warm child; its output and exit status."""
    if env.get(COLD_ENV) or os.environ.get(COLD_ENV):
        command = [sys.executable, "-m", "szpub.build.runner", *argv]
        return subprocess.run(
            command, capture_output=True, text=True, errors="replace", env=env, stdin=subprocess.DEVNULL, check=False
        )
    # a path, not an open file: the child is forked from the server and inherits none of this process's files
    with tempfile.TemporaryDirectory(prefix="szpub-run-") as folder:
        output = Path(folder) / "output"
        child = _warm_context().Process(target=_child, args=(argv, env, str(Path.cwd()), str(output)))
        child.start()
        child.join()
        text = output.read_text(encoding="utf-8", errors="replace") if output.is_file() else ""
    code = child.exitcode if child.exitcode is not None else 1
    return subprocess.CompletedProcess(["sphinx-build", *argv], code, text, "")


def warm_up() -> None:
    """Starts the forkserver in the background, so that its imports overlap other work (the checks)."""
    if not os.environ.get(COLD_ENV):
        threading.Thread(target=_warm_context, name="szpub-warm-up", daemon=True).start()


_starting = threading.Lock()


def _warm_context() -> Any:
    """The forkserver, started once per szpub process with a fixed hash seed (reproducible outputs)."""
    with _starting:
        return _start_forkserver()


@functools.cache
def _start_forkserver() -> Any:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["szpub.build.warm"])
    with _environ(PYTHONHASHSEED="0"):  # the server is a new interpreter: it takes the seed from here
        multiprocessing.forkserver.ensure_running()
    # At exit, stop the server and wait for it: no process outlives szpub, and the CPU time of the server
    # and its runs counts in szpub's own (``time``, getrusage), as a child process's does. Private, but
    # there since Python 3.7 and what CPython's own tests call.
    stop = getattr(multiprocessing.forkserver._forkserver, "_stop", None)
    if stop is not None:
        atexit.register(stop)
    return context


@contextlib.contextmanager
def _environ(**values: str) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _child(argv: list[str], env: dict[str, str], cwd: str, output: str) -> None:
    """In the forked child: the run's environment and folder, stdout and stderr into ``output``, then Sphinx."""
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    sink = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    for stream in (1, 2):
        os.dup2(sink, stream)
    os.close(sink)
    code = main(argv)
    sys.stdout.flush()
    sys.stderr.flush()
    sys.exit(code)


def _cache_folder() -> Path:
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "szpub"


def _cache_file(dictionary: str) -> Path:
    import jieba

    stat = Path(dictionary).stat()
    key = f"{Path(dictionary).resolve()}:{stat.st_size}:{stat.st_mtime_ns}:{jieba.__version__}:untaught"
    return _cache_folder() / f"jieba-userdict-{hashlib.sha256(key.encode()).hexdigest()[:16]}.marshal"


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
    partial = cache.with_name(f".{cache.name}.{os.getpid()}")
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(state)
        partial.replace(cache)
    except OSError:  # a read-only home: the next run loads the dictionary again, nothing else changes
        partial.unlink(missing_ok=True)


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
        if cache == _preloaded:
            return  # the forkserver restored this very load's result before forking this run
        # Words taught before the load are part of the state the cache would replace or save: a restore
        # would drop them, a save would hand them to other builds.
        if jieba.dt.initialized:
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


_preloaded: Path | None = None  # the dictionary cache the forkserver restored: every child starts with it


def preload() -> None:
    """What the forkserver does before forking any run (``szpub.build.warm`` calls it): imports, jieba's state."""
    import importlib

    global _preloaded
    _import_jieba_without_pkg_resources()
    for module in _PRELOAD:
        with contextlib.suppress(ImportError):  # jieba, and so sphinx.search.zh, are optional
            importlib.import_module(module)
    zh = sys.modules.get("sphinx.search.zh")
    dictionary = getattr(zh, "JIEBA_DEFAULT_DICT", "")
    if dictionary:
        cache = _cache_file(dictionary)
        if cache.is_file() and _restore(cache):  # 0.45 s of marshal.loads, once instead of in each Chinese build
            _preloaded = cache


def main(argv: list[str]) -> int:
    _import_jieba_without_pkg_resources()
    _install_dictionary_cache()
    from sphinx.cmd.build import main as sphinx_main

    return sphinx_main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
