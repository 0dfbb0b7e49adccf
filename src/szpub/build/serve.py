"""The editors' preview: serves ``_build/site`` on loopback, rebuilds the HTML on a change, reloads open pages."""

from __future__ import annotations

import html
import json
import queue
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import watchfiles

from szpub.build import targets as build
from szpub.core import l10n
from szpub.core.errors import SzpubError
from szpub.core.project import Project, find_project

HOST = "127.0.0.1"  # loopback only: a preview is not a publication
EVENTS = "/_szpub/events"  # the server-sent events open pages listen to
SCRIPT = "/_szpub/preview.js"
OVERLAY_ID = "szpub-preview-error"
_HISTORY = 32  # events kept for a page that reconnects between two of them
_PREVIEW_JS = (Path(__file__).parent / "preview.js").read_bytes()


@dataclass
class Notices:
    """What open pages are told, in order: ``reload`` (the folders just published) or ``failed`` (the errors)."""

    events: list[tuple[int, str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # the last build's, until a build succeeds
    closed: bool = False
    _condition: threading.Condition = field(default_factory=threading.Condition)

    def published(self, folders: Iterable[str]) -> None:
        self._push("reload", sorted(folders), errors=[])

    def failed(self, errors: list[str]) -> None:
        self._push("failed", errors, errors=errors)

    def close(self) -> None:
        with self._condition:
            self.closed = True
            self._condition.notify_all()

    @property
    def serial(self) -> int:
        """The number of the last event (0: none yet)."""
        return self.events[-1][0] if self.events else 0

    def wait(self, after: int, timeout: float) -> list[tuple[int, str, Any]]:
        """The events after serial ``after``, waiting up to ``timeout`` seconds for one."""
        with self._condition:
            self._condition.wait_for(lambda: self.closed or self.serial > after, timeout)
            return [event for event in self.events if event[0] > after]

    def _push(self, kind: str, data: Any, errors: list[str]) -> None:
        with self._condition:
            self.events = [*self.events[-_HISTORY:], (self.serial + 1, kind, data)]
            self.errors = errors
            self._condition.notify_all()


class _PreviewHandler(SimpleHTTPRequestHandler):
    """Serves the site as published, plus the preview's script and events; HTML gets the script (and any error)."""

    notices: Notices

    def __init__(self, *args: Any, notices: Notices, **kwargs: Any) -> None:
        self.notices = notices
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == EVENTS:
            self._events()
            return
        if path == SCRIPT:
            self._send(_PREVIEW_JS, "text/javascript; charset=utf-8")
            return
        file = Path(self.translate_path(path))
        if file.is_dir() and path.endswith("/"):
            file = file / "index.html"
        if file.suffix == ".html" and file.is_file():
            self._send(inject(file.read_bytes(), self.notices.errors), "text/html; charset=utf-8")
            return
        super().do_GET()

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")  # a reload must show the new build
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = self.notices.serial  # a page just loaded is current: only later events concern it
        try:
            self.wfile.write(b"retry: 500\n\n")
            self.wfile.flush()
            while not self.notices.closed:
                events = self.notices.wait(seen, timeout=15)
                for serial, kind, data in events:
                    self.wfile.write(f"id: {serial}\nevent: {kind}\ndata: {json.dumps(data)}\n\n".encode())
                    seen = serial
                if not events:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the page was closed or navigated away


def inject(page: bytes, errors: list[str]) -> bytes:
    """The page with the preview's script, and the build errors on top of it while there are any.

    Only what is served is changed: the published files stay as a web server would serve them.
    """
    addition = f'<script src="{SCRIPT}" defer></script>'
    if errors:
        lines = html.escape("\n".join(errors))  # msgstrs and paths are quoted in the errors: never markup
        addition = (
            f'<div id="{OVERLAY_ID}" role="alert"><strong>The preview is out of date: the build failed</strong>'
            f"<pre>{lines}</pre></div>{addition}"
        )
    body_end = page.rfind(b"</body>")
    position = body_end if body_end >= 0 else len(page)
    return page[:position] + addition.encode() + page[position:]


@dataclass
class Preview:
    """A running preview server; ``close()`` stops it."""

    server: ThreadingHTTPServer
    thread: threading.Thread
    notices: Notices

    @property
    def url(self) -> str:
        port = self.server.server_address[1]
        return f"http://{HOST}:{port}/"

    def close(self) -> None:
        self.notices.close()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def start(site: Path, port: int = 8000) -> Preview:
    """Serves ``site`` in a background thread; port 0 picks a free port.

    The handler joins every request to the path of the ``_build/site`` link, not to the folder it
    points to now, so each request after a publish sees the new site.
    """
    notices = Notices()
    handler = partial(_PreviewHandler, directory=str(site), notices=notices)
    server = ThreadingHTTPServer((HOST, port), handler)
    server.daemon_threads = True  # open event streams must not keep the process alive
    thread = threading.Thread(target=server.serve_forever, name="szpub-preview", daemon=True)
    thread.start()
    return Preview(server, thread, notices)


class _SourceFilter(watchfiles.DefaultFilter):
    """Sources only: not the compiled catalogs szpub writes, nor editors' hidden scratch files."""

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        name = Path(path).name
        return super().__call__(change, path) and not name.startswith(".") and not name.endswith(".mo")


def _watched(project: Project) -> tuple[tuple[Path, ...], Path]:
    """The folders watched with their subfolders (docs/, the catalogs) and the one watched alone (conf.py's)."""
    return tuple(path for path in (project.docs, project.locales) if path.is_dir()), project.root


class Watcher:
    """Changed source paths, as watchfiles (inotify) reports them, in one queue.

    conf.py's folder is watched without its subfolders (it holds _build/, maybe .venv/); docs/ and
    the catalogs with theirs. ``follow`` moves the watch when conf.py names other catalog folders.
    """

    def __init__(self, stop: threading.Event) -> None:
        self.changes: queue.Queue[set[Path]] = queue.Queue()
        self._stop = stop
        self._current: tuple[tuple[Path, ...], Path] | None = None
        self._generation = threading.Event()

    def follow(self, watched: tuple[tuple[Path, ...], Path]) -> None:
        if watched == self._current:
            return
        self._generation.set()
        self._generation = generation = threading.Event()
        self._current = watched
        folders, root = watched
        conf = root / "conf.py"
        self._thread(lambda: self._watch(generation, folders, recursive=True))
        self._thread(lambda: self._watch(generation, (root,), recursive=False, only=conf))

    @property
    def watching(self) -> bool:
        return self._current is not None

    def _thread(self, target: Callable[[], None]) -> None:
        threading.Thread(target=target, name="szpub-watch", daemon=True).start()

    def _watch(
        self, generation: threading.Event, paths: tuple[Path, ...], recursive: bool, only: Path | None = None
    ) -> None:
        if not paths:
            return
        stop = _EitherEvent(self._stop, generation)
        for batch in watchfiles.watch(
            *paths, watch_filter=_SourceFilter(), recursive=recursive, stop_event=stop, debounce=400, step=20
        ):
            changed = {Path(path) for _, path in batch if only is None or Path(path) == only}
            if changed:
                self.changes.put(changed)

    def next_change(self, timeout: float = 0.5) -> set[Path] | None:
        """The paths changed since the last call, waiting for at least one; None once ``stop`` is set."""
        while not self._stop.is_set():
            try:
                changed = self.changes.get(timeout=timeout)
            except queue.Empty:
                continue
            while not self.changes.empty():  # a save that touched several files is one rebuild
                changed |= self.changes.get_nowait()
            return changed
        return None


class _EitherEvent:
    """Set when either of two events is: what watchfiles' ``stop_event`` is asked (``is_set``)."""

    def __init__(self, first: threading.Event, second: threading.Event) -> None:
        self._events = (first, second)

    def is_set(self) -> bool:
        return any(event.is_set() for event in self._events)


def passes(project: Project, changed: set[Path] | None) -> list[list[str]]:
    """The languages to rebuild, in the order their pages should refresh: the edited language first.

    A change under one language's catalogs concerns that language; any other change (docs/,
    conf.py, the glossary) every language, the source language first, as the editor edits it. The
    first build (``changed`` None) builds every language at once.
    """
    if changed is None:
        return [list(project.languages)]
    edited = [
        language
        for language in project.languages
        if any(path.is_relative_to(project.locales / language) for path in changed)
    ]
    if not edited:
        edited = [project.source_language]
    rest = [language for language in project.languages if language not in edited]
    return [edited, rest] if rest else [edited]


Report = Callable[[build.BuildResult], None]


def rebuild(project: Project, changed: set[Path] | None, notices: Notices, report: Report) -> None:
    """Builds the HTML language by language (edited first) and tells the open pages."""
    for languages in passes(project, changed):
        result = build.build(project, build.plan(project, languages, ["html"]), listener=None)
        report(result)
        if not result.ok:
            notices.failed(_errors(result))
            return
        if result.published or notices.errors:
            notices.published(l10n.folder_name(r.target.language) for r in result.results if r.status == "built")


def _errors(result: build.BuildResult) -> list[str]:
    """Each failed target's name, then its file:line errors."""
    return [line for failed in result.failed for line in (f"{failed.target.name} failed:", *failed.errors)]


def watch(root: Path, notices: Notices, report: Report, stop: threading.Event) -> None:
    """Builds the HTML of every language now and after each change of the sources, until ``stop`` is set.

    conf.py is read again for each build (a preview runs for hours, and it may have changed), and the
    sources are watched before the build starts: a save during a build is the next build.
    """
    watcher = Watcher(stop)
    changed: set[Path] | None = None
    while not stop.is_set():
        try:
            project = find_project(root)
        except SzpubError as err:
            notices.failed([str(err)])
            if not watcher.watching:  # conf.py is broken from the start: watch it until it is fixed
                watcher.follow(((), root))
        else:
            watcher.follow(_watched(project))
            rebuild(project, changed, notices, report)
        changed = watcher.next_change()
        if changed is None:
            return
