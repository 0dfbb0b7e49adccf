"""Compiled catalogs (.mo) that always match their .po: compared by content, never by modification time.

Sphinx compiles a .po only when it is newer than its .mo, so a restored or hand-placed .mo (which a
translator or a platform may ship) is trusted as it is. Both ``szpub build`` and the Sphinx extension
call ``refresh_catalogs`` before Sphinx looks at the catalogs.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po


def compile_po(po_path: Path, language: str, *, use_fuzzy: bool = False) -> bytes | None:
    """The .mo that Sphinx would write for ``po_path`` (Babel, as Sphinx does); None if it cannot be read."""
    try:
        with po_path.open("rb") as file:
            catalog = read_po(file, locale=language)
    except Exception:  # Sphinx and szpub check report an unreadable catalog with its file name
        return None
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=use_fuzzy)
    return out.getvalue()


def refresh_catalogs(folder: Path, language: str, *, use_fuzzy: bool = False) -> list[Path]:
    """Makes every .mo of ``folder`` the compilation of its current .po; returns the files written or removed.

    A .mo that differs from a fresh compile is replaced in one rename (a build reading it sees the old
    file or the new one); a .mo without its .po is removed, as nothing it says comes from a catalog.
    """
    changed = []
    for mo_path in sorted(folder.glob("*.mo")):
        if not mo_path.with_suffix(".po").is_file():
            mo_path.unlink(missing_ok=True)
            changed.append(mo_path)
    for po_path in sorted(folder.glob("*.po")):
        compiled = compile_po(po_path, language, use_fuzzy=use_fuzzy)
        if compiled is None:
            continue
        mo_path = po_path.with_suffix(".mo")
        if _read(mo_path) == compiled:
            _not_older(mo_path, po_path)
            continue
        partial = mo_path.with_name(f".{mo_path.name}.{os.getpid()}.partial")
        partial.write_bytes(compiled)
        partial.replace(mo_path)
        _not_older(mo_path, po_path)
        changed.append(mo_path)
    return changed


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _not_older(mo_path: Path, po_path: Path) -> None:
    """Sphinx recompiles a .mo older than its .po, in every build at once: dated like the .po, it does not."""
    po_time = po_path.stat().st_mtime_ns
    if mo_path.stat().st_mtime_ns < po_time:
        os.utime(mo_path, ns=(po_time, po_time))
