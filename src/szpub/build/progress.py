"""Shows the progress of a build: one live line per target on a terminal, plain lines elsewhere."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from types import TracebackType

    from szpub.build.targets import BuildTarget, TargetEvent

_CLEAR_LINE = "\x1b[2K"
_UP = "\x1b[{}A"


def describe(event: TargetEvent, elapsed: float = 0.0) -> str:
    """A target's state in words: ``queued``, ``building 3 s``, ``done in 4.2 s``, ``up to date``, ``failed``."""
    result = event.result
    if event.state == "building":
        return f"building {elapsed:.0f} s" if elapsed >= 1 else "building"
    if result is None:
        return event.state
    if result.status == "built":
        note = " (PDF unchanged, LaTeX skipped)" if result.pdf_reused else ""
        return f"done in {result.seconds:.1f} s{note}"
    if result.status == "failed":
        return f"failed after {result.seconds:.1f} s"
    return result.status


class Progress:
    """A build listener. Use as a context manager; on a terminal, lines are redrawn in place twice a second."""

    def __init__(self, stream: TextIO, live: bool | None = None) -> None:
        self.stream = stream
        self.live = stream.isatty() if live is None else live
        self._events: dict[BuildTarget, TargetEvent] = {}
        self._started: dict[BuildTarget, float] = {}
        self._drawn = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def __call__(self, event: TargetEvent) -> None:
        with self._lock:
            self._events[event.target] = event
            if event.state == "building":
                self._started[event.target] = time.monotonic()
            if self.live:
                self._redraw()
            elif event.state != "queued":
                self.stream.write(self._line(event) + "\n")
                self.stream.flush()

    def __enter__(self) -> Progress:
        if self.live:
            self._ticker = threading.Thread(target=self._tick, daemon=True)
            self._ticker.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()

    def _tick(self) -> None:
        while not self._stop.wait(0.5):
            with self._lock:
                if any(event.state == "building" for event in self._events.values()):
                    self._redraw()

    def _line(self, event: TargetEvent) -> str:
        started = self._started.get(event.target)
        elapsed = time.monotonic() - started if started is not None else 0.0
        return f"{event.target.name:<16} {describe(event, elapsed)}"

    def _redraw(self) -> None:
        text = _UP.format(self._drawn) if self._drawn else ""
        text += "".join(f"\r{_CLEAR_LINE}{self._line(event)}\n" for event in self._events.values())
        self._drawn = len(self._events)
        self.stream.write(text)
        self.stream.flush()
