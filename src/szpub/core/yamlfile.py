"""Untrusted YAML data files read with limits: bounded size and depth, no anchors, aliases or tags, string keys."""

from __future__ import annotations

from pathlib import Path

import yaml

from szpub.core.errors import SzpubError

MAX_BYTES = 1 << 20  # a release's figures or section map is a few KiB
MAX_DEPTH = 16  # nesting of maps and lists; the files szpub reads need 4


def read_text(path: Path, error: type[SzpubError], max_bytes: int = MAX_BYTES) -> str:
    """The file as UTF-8 text (a BOM allowed), at most ``max_bytes``; ``error`` naming file:line otherwise."""
    try:
        with path.open("rb") as file:
            data = file.read(max_bytes + 1)
    except OSError as err:
        raise error(f"cannot read: {err.strerror}", path) from None
    if len(data) > max_bytes:
        raise error(f"larger than {max_bytes // 1024} KiB: not a data file szpub reads", path, 1)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise error(f"not valid UTF-8 (byte 0x{data[err.start]:02x}); save the file as UTF-8", path, line) from None


def load_yaml(path: Path, error: type[SzpubError]) -> yaml.Node | None:
    """The file's YAML document as a node tree (marks give lines), checked before anything is constructed.

    Aliases are refused before composing, so a "billion laughs" file never expands; tags are refused so
    that only plain scalars, maps and lists are constructed.
    """
    text = read_text(path, error)
    try:
        _check_events(yaml.parse(text, Loader=yaml.SafeLoader), path, error)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        problem = getattr(err, "problem", None) or str(err)
        raise error(f"not valid YAML: {problem}", path, mark.line + 1 if mark else 1) from None
    if root is not None:
        _check_keys(root, path, error)
    return root


def construct(node: yaml.Node, path: Path, error: type[SzpubError]) -> object:
    """The Python value of a checked node (str, int, float, bool, None, dict, list)."""
    try:
        return yaml.SafeLoader("").construct_document(node)
    except (ValueError, yaml.YAMLError) as err:  # int("9" * 5000) exceeds Python's digit limit
        raise error(f"not a usable value: {str(err)[:80]}", path, node.start_mark.line + 1) from None


def _check_events(events: object, path: Path, error: type[SzpubError]) -> None:
    depth = 0
    for event in events:  # type: ignore[attr-defined]
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise error("YAML anchors and aliases (&, *) are not allowed: write each value out", path, line)
        if getattr(event, "tag", None):  # the parser reports only tags written in the file
            raise error(f"YAML tags ({event.tag}) are not allowed: only plain values, maps and lists", path, line)
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise error(f"nested deeper than {MAX_DEPTH} levels", path, line)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _check_keys(node: yaml.Node, path: Path, error: type[SzpubError]) -> None:
    """Every mapping key a plain string, written once."""
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_keys(item, path, error)
    elif isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            line = key.start_mark.line + 1
            if not isinstance(key, yaml.ScalarNode) or key.tag != "tag:yaml.org,2002:str":
                raise error(f"a key must be a plain name, not {_kind(key)}", path, line)
            if key.value in seen:
                raise error(f"duplicate key {key.value!r}", path, line)
            seen.add(key.value)
            _check_keys(value, path, error)


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.ScalarNode):
        return f"{node.tag.rsplit(':', 1)[-1]} {node.value!r}"
    return "a map" if isinstance(node, yaml.MappingNode) else "a list"
