"""A local preview for editors: serves ``_build/site`` on loopback and rebuilds the HTML when a source changes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from szpub.build import targets as build

if TYPE_CHECKING:
    from pathlib import Path

    from szpub.core.project import Project

HOST = "127.0.0.1"  # loopback only: a preview is not a publication


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Preview:
    """A running preview server; ``close()`` stops it."""

    server: ThreadingHTTPServer
    thread: threading.Thread

    @property
    def url(self) -> str:
        port = self.server.server_address[1]
        return f"http://{HOST}:{port}/"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def start(site: Path, port: int = 8000) -> Preview:
    """Serves ``site`` in a background thread; port 0 picks a free port.

    The handler joins every request to the path of the ``_build/site`` link, not to the folder it
    points to now, so each request after a publish sees the new site.
    """
    handler = partial(_QuietHandler, directory=str(site))
    server = ThreadingHTTPServer((HOST, port), handler)
    thread = threading.Thread(target=server.serve_forever, name="szpub-preview", daemon=True)
    thread.start()
    return Preview(server, thread)


def snapshot(project: Project) -> dict[str, int]:
    """The modification times of everything an HTML build reads: conf.py, docs/, the catalogs."""
    paths = [project.root / "conf.py", *build.files_under(project.docs), *build.files_under(project.locales)]
    return {str(path): path.stat().st_mtime_ns for path in paths if path.suffix != ".mo" and path.is_file()}


def wait_for_change(project: Project, previous: dict[str, int], stop: threading.Event, interval: float = 0.5) -> bool:
    """Polls until a source changes (True) or ``stop`` is set (False)."""
    while not stop.wait(interval):
        if snapshot(project) != previous:
            return True
    return False


def watch(
    project: Project,
    on_build: Callable[[build.BuildResult], None],
    stop: threading.Event,
    listener: build.Listener | None = None,
    interval: float = 0.5,
) -> None:
    """Builds the HTML of every language now and after each change, until ``stop`` is set."""
    targets = build.plan(project, formats=["html"])
    while not stop.is_set():
        before = snapshot(project)
        on_build(build.build(project, targets, listener=listener))
        if not wait_for_change(project, before, stop, interval):
            return
