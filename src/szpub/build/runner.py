"""Runs sphinx-build for ``szpub build``: started warm, with the Chinese search dictionary cached.

Warm: each run is a child forked from a zygote, a process that has already imported Sphinx, MyST,
szpub's extension and jieba, instead of a new interpreter importing them again for every target
(0.6-0.9 s each, measured). Each child is forked from the zygote, never from an earlier build, so
every run starts from the state a new process would. (Not ``multiprocessing``'s forkserver: its
children import the caller's ``__main__`` again, and a script calling ``build()`` without a
``__main__`` guard deadlocked on the build lock.)

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
import hashlib
import json
import marshal
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import traceback
from pathlib import Path
from typing import IO, Any

CACHE_ENV = "SZPUB_CACHE_DIR"
COLD_ENV = "SZPUB_COLD_START"  # set: every run is a new interpreter (to compare, or where fork is unsafe)
ZYGOTE = "--zygote"  # python -m szpub.build.runner --zygote: the process runs are forked from
# what every sphinx-build of a publication imports (python -X importtime; the MyST, jinja2 and docutils
# language modules measured 0.25 s of a warm run's 1.2 s): the zygote imports it once, with Sphinx's
# builtin extensions (every run sets them all up: linkcheck, epub, themes...)
_PRELOAD = (
    "sphinx.cmd.build",
    "myst_parser.sphinx_ext.main",
    "myst_parser.parsers.sphinx_",
    "myst_parser.mdit_to_docutils.sphinx_",
    "myst_parser.sphinx_ext.directives",
    "myst_parser.sphinx_ext.mathjax",
    "myst_parser.sphinx_ext.myst_refs",
    "szpub.sphinx_ext",
    "sphinx.search.zh",
    "jinja2.ext",
    "docutils.languages.en",
    "docutils.languages.zh_cn",
    "docutils.languages.zh_tw",
    "ctypes",  # each child's prctl
)


def run_sphinx(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``sphinx-build ARGV`` with this environment, in a warm child; its output and exit status."""
    if not (env.get(COLD_ENV) or os.environ.get(COLD_ENV)):
        with tempfile.TemporaryDirectory(prefix="szpub-run-") as folder:
            output = Path(folder) / "output"
            request = {"argv": argv, "env": env, "cwd": _cwd(), "output": str(output)}
            code = _zygote().run(request)
            if output.is_file():  # else no child ever started (the zygote could not): a new interpreter
                text = output.read_text(encoding="utf-8", errors="replace")
                return subprocess.CompletedProcess(["sphinx-build", *argv], code, text, "")
    command = [sys.executable, "-m", "szpub.build.runner", *argv]
    return subprocess.run(
        command, capture_output=True, text=True, errors="replace", env=env, stdin=subprocess.DEVNULL, check=False
    )


def _cwd() -> str:
    """The folder runs start in; "/" when it has been deleted (a preview outliving its checkout: paths are absolute)."""
    try:
        return str(Path.cwd())
    except FileNotFoundError:
        return "/"


def warm_up() -> None:
    """Starts the zygote now, so that its imports overlap other work (the checks before a build)."""
    if not os.environ.get(COLD_ENV):
        _zygote()


class _Zygote:
    """The client side: one request line per run on the zygote's stdin, one reply line per run back."""

    def __init__(self) -> None:
        self.replied = False  # a zygote that dies before its first reply cannot start: runs go cold
        # a new interpreter: the hash seed of every run (reproducible outputs) is fixed here
        self.process = subprocess.Popen(
            [sys.executable, "-m", "szpub.build.runner", ZYGOTE],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env={**os.environ, "PYTHONHASHSEED": "0"},
        )  # fmt: skip
        self._lock = threading.Lock()
        self._waiting: dict[int, _Run] = {}
        self._next = 0
        threading.Thread(target=self._replies, name="szpub-zygote", daemon=True).start()

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def run(self, request: dict[str, Any]) -> int:
        run = _Run()
        with self._lock:
            self._next += 1
            ident = self._next
            self._waiting[ident] = run
            try:
                _send(self.process.stdin, {**request, "id": ident})
            except (BrokenPipeError, ValueError, OSError):  # the zygote is gone: this run fails
                self._waiting.pop(ident)
                return 1
        run.done.wait()
        with self._lock:
            self._waiting.pop(ident, None)
        return run.code

    def _replies(self) -> None:
        assert self.process.stdout is not None
        try:
            for line in self.process.stdout:
                try:
                    reply = json.loads(line)
                    ident, code = int(reply["id"]), int(reply["code"])
                except (ValueError, KeyError, TypeError):
                    continue  # not a reply (the zygote writes nothing else there, but never hang on it)
                self.replied = True
                with self._lock:
                    run = self._waiting.get(ident)
                if run is not None:
                    run.code = code
                    run.done.set()
        finally:  # the zygote is gone (killed, Ctrl-C): the runs it had fail, nothing waits forever
            with self._lock:
                for run in self._waiting.values():
                    run.done.set()

    def close(self) -> None:
        """Lets the zygote finish its runs and exit, and waits for it (its CPU time then counts in ours)."""
        with contextlib.suppress(OSError):
            assert self.process.stdin is not None
            self.process.stdin.close()
        self.process.wait()


class _Run:
    """One run's reply: set when the zygote reports its exit status (1 if the zygote died first)."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.code = 1


def _send(stream: IO[bytes] | None, message: dict[str, Any]) -> None:
    assert stream is not None
    stream.write(json.dumps(message).encode() + b"\n")
    stream.flush()


_current: _Zygote | None = None
_starting = threading.Lock()


def _zygote() -> _Zygote:
    """This process's zygote, started on first use and again if it died (a preview runs for hours)."""
    global _current
    with _starting:
        if _current is None or (not _current.alive and _current.replied):
            _current = _Zygote()
            atexit.register(_current.close)
        return _current


def serve_zygote() -> None:
    """The zygote's loop: preload, then fork a child per request line and reply with its exit status."""
    # Ctrl-C reaches the whole process group: the runs stop, szpub stops, and the zygote ends when szpub
    # closes its requests, not with a traceback of its own
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    replies = os.dup(1)  # the reply pipe; fd 1 becomes stderr, so that nothing printed can corrupt it
    os.dup2(2, 1)
    preload()
    children: dict[int, int] = {}  # pid -> run id
    pending = b""
    reading = True
    while reading or children:
        # idle (a preview between saves): wait for a request; with runs under way, poll for their ends
        ready, _, _ = select.select([0] if reading else [], [], [], 0.02 if children else None)
        if ready:
            data = os.read(0, 1 << 16)
            reading = bool(data)
            pending += data
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                request = json.loads(line)
                pid = os.fork()
                if pid == 0:
                    _run_child(request)
                children[pid] = request["id"]
        while children:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            if pid in children:
                reply = {"id": children.pop(pid), "code": os.waitstatus_to_exitcode(status)}
                with contextlib.suppress(BrokenPipeError):  # szpub is gone (killed): nobody to tell
                    os.write(replies, json.dumps(reply).encode() + b"\n")


def _run_child(request: dict[str, Any]) -> None:
    """In the forked child: the run's environment, folder and output file, then Sphinx; never returns."""
    code = 1
    try:
        _die_with_parent()  # the zygote killed: its runs stop too, none writes on unseen
        signal.signal(signal.SIGINT, signal.default_int_handler)
        sys.argv = ["sphinx-build", *request["argv"]]  # what conf.py sees, as in a new process
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(str(request["cwd"]))
        sink = os.open(str(request["output"]), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)  # as stdin=DEVNULL: nothing may wait for input, nor read the zygote's requests
        for stream in (1, 2):  # nor write into its replies
            os.dup2(sink, stream)
        os.close(sink)
        os.close(null)
        code = main(list(request["argv"]))
    except SystemExit as exit_:  # as the interpreter maps it: None is 0, a message is printed and 1
        if exit_.code is None or isinstance(exit_.code, int):
            code = exit_.code or 0
        else:
            sys.stderr.write(f"{exit_.code}\n")
    except BaseException:
        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _die_with_parent() -> None:
    """Linux: SIGKILL this process when its parent (the zygote) dies (prctl PR_SET_PDEATHSIG)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the zygote died before the call
            os._exit(1)


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
    state = _read_state(cache)
    if state is not None:
        _install(state)
    return state is not None


def _read_state(cache: Path) -> tuple[Any, ...] | None:
    try:
        state = marshal.loads(cache.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return tuple(state) if isinstance(state, tuple) and len(state) == 4 else None


def _install(state: tuple[Any, ...]) -> None:
    import jieba
    from jieba import finalseg

    freq, total, tags, forced = state
    tokenizer = jieba.dt
    with tokenizer.lock:
        tokenizer.FREQ, tokenizer.total, tokenizer.initialized = freq, total, True
        tokenizer.user_word_tag_tab.update(tags)
    for word in forced:
        finalseg.add_force_split(word)


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
        if _preloaded is not None and _preloaded[0] == cache:
            _install(_preloaded[1])  # the zygote read this very load's result before forking this run
            return
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


# the dictionary cache the zygote read, and its state: installed in a run that loads that dictionary, in no other
_preloaded: tuple[Path, tuple[Any, ...]] | None = None


def preload() -> None:
    """What the zygote does before forking any run: the imports, and jieba's state restored."""
    import importlib

    global _preloaded
    _import_jieba_without_pkg_resources()
    from sphinx.application import builtin_extensions

    for module in (*_PRELOAD, *builtin_extensions):
        with contextlib.suppress(ImportError):  # jieba, and so sphinx.search.zh, are optional
            importlib.import_module(module)
    zh = sys.modules.get("sphinx.search.zh")
    dictionary = getattr(zh, "JIEBA_DEFAULT_DICT", "")
    if dictionary:
        cache = _cache_file(dictionary)
        state = _read_state(cache) if cache.is_file() else None  # 0.45 s of marshal.loads, once, not per run
        if state is not None:
            _preloaded = (cache, state)


def main(argv: list[str]) -> int:
    _import_jieba_without_pkg_resources()
    _install_dictionary_cache()
    from sphinx.cmd.build import main as sphinx_main

    return sphinx_main(argv)


if __name__ == "__main__":
    if sys.argv[1:] == [ZYGOTE]:
        serve_zygote()
    else:
        sys.exit(main(sys.argv[1:]))
