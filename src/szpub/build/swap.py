"""Publishing in one step: a freshly assembled folder takes the site's place, atomically where Linux allows."""

from __future__ import annotations

import ctypes
import errno
import os
import uuid
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2  # linux/fs.h
# the kernel or file system cannot exchange: fall back to two renames
_UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP}


def exchange(first: Path, second: Path) -> bool:
    """Swaps two paths in one ``renameat2(RENAME_EXCHANGE)``; False where the system has no such call."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # not Linux, or a C library before glibc 2.28
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), str(second))


def swap_in(site: Path, staging: Path) -> None:
    """Makes ``staging`` the real folder ``site``; what ``site`` was (a folder, or an older szpub's link) ends up
    at ``staging``'s name, for the caller to remove.

    Readers see the old site or the new one, never a mixture; ``cp -r site`` copies files, not a link.
    """
    if not site.exists() and not site.is_symlink():
        staging.rename(site)
    elif not exchange(staging, site):
        # two renames: a moment without a site, but never a mixture
        site.rename(staging.with_name(f"{staging.name}-old-{uuid.uuid4().hex[:6]}"))
        staging.rename(site)


def site_id(site: Path) -> str | None:
    """Which assembled folder ``site`` is now: its inode (a new one per publish), or an older szpub's link target."""
    if site.is_symlink():
        return str(site.readlink())
    try:
        return f"inode:{site.stat().st_ino}"
    except FileNotFoundError:
        return None
