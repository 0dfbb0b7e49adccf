"""The one base class of every error a user can act on: ``file:line: what is wrong``."""

from __future__ import annotations

from pathlib import Path


class SzpubError(Exception):
    """A problem in the user's input, with where it is; the CLI prints ``str()`` as one line, no traceback."""

    def __init__(self, problem: str, path: Path | str | None = None, line: int | None = None) -> None:
        where = f"{path}:{line}: " if path is not None and line else f"{path}: " if path is not None else ""
        super().__init__(where + problem)
        self.problem = problem
        self.path = str(path) if path is not None else ""
        self.line = line or 0
