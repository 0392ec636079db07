"""Crash-safe whole-file writes.

:func:`write_atomic` writes a temporary file in the same directory, fsyncs
it, renames it over the target with :func:`os.replace` and fsyncs the
directory. A reader (or a process restarted after a crash) sees either the
whole old content or the whole new content, never a mix. Leftover temporary
files of a crashed writer start with :data:`TEMP_PREFIX` and are ignored.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

TEMP_PREFIX = ".tmp-"


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path``'s content with ``data`` atomically and durably."""
    fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_directory(path.parent)


def remove_durably(path: Path) -> bool:
    """Delete ``path`` if present; True when it existed."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        return False
    _fsync_directory(path.parent)
    return True


def read_or_none(path: Path) -> bytes | None:
    """The file's bytes, or None when it does not exist."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


__all__ = ["TEMP_PREFIX", "read_or_none", "remove_durably", "write_atomic"]
