"""Small, safe edits of conf.py's plain settings (``szpub add-language``)."""

from __future__ import annotations

import ast
import json

from szpub.core.errors import SzpubError


def add_to_list(text: str, name: str, value: str, default: list[str]) -> str:
    """conf.py's text with ``value`` appended to the list ``name = [...]`` (added if missing).

    Only a top-level assignment of a literal list of strings is edited; anything cleverer is left to the
    user (ValueError saying what to do), so the file is never rewritten wholesale.
    """
    try:
        module = ast.parse(text)
    except SyntaxError as err:
        raise SzpubError(f"not valid Python: {err.msg}", "conf.py", err.lineno) from None
    assignments = [
        node for node in module.body
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
    ]  # fmt: skip
    if not assignments:
        return text.rstrip("\n") + f"\n{name} = {_literal([*default, value])}\n"
    node = assignments[-1].value
    if not isinstance(node, ast.List) or not all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts
    ):
        raise SzpubError(f"{name} is not a plain list of strings; add {value!r} to it by hand", "conf.py", node.lineno)
    values = [e.value for e in node.elts]  # type: ignore[attr-defined]
    if value in values:
        return text
    data = text.encode("utf-8")  # ast's column offsets count UTF-8 bytes
    start = _offset(data, node.lineno, node.col_offset)
    end = _offset(data, node.end_lineno or node.lineno, node.end_col_offset or 0)
    return (data[:start] + _literal([*values, value]).encode("utf-8") + data[end:]).decode("utf-8")


def _offset(data: bytes, lineno: int, column: int) -> int:
    lines = data.splitlines(keepends=True)
    return sum(len(line) for line in lines[: lineno - 1]) + column


def _literal(values: list[str]) -> str:
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in values) + "]"
