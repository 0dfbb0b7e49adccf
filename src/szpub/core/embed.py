"""Values embedded in HTML: JSON inside a ``<script>`` element (the root's choices, the article's JSON-LD)."""

from __future__ import annotations

import json


def script_json(value: object, *, indent: int | None = None) -> str:
    """JSON to put inside a ``<script>`` element: ``</script>`` or ``<!--`` in a string cannot end or hide it.

    Every ``<`` becomes ``\\u003c``: still valid JSON (JSON-LD is parsed as JSON, where ``<\\!`` is not).
    """
    return json.dumps(value, ensure_ascii=False, indent=indent).replace("<", "\\u003c")
