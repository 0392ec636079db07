"""File names for identifiers.

Identifiers may be 256 emoji long (over 3 KB percent-encoded, beyond any
file-name limit) and may differ only in letter case (which case-insensitive
file systems would merge). So an identifier never becomes a file name
directly: it is named by the SHA-256 of its UTF-8 bytes, in lowercase hex,
and the identifier itself is stored inside the file.
"""

from __future__ import annotations

import hashlib


def file_name(identifier: str, prefix: str) -> str:
    """A portable file name for ``identifier``: ``{prefix}-{sha256 hex}``; distinct ids, distinct names."""
    return f"{prefix}-{hashlib.sha256(identifier.encode('utf-8')).hexdigest()}"


__all__ = ["file_name"]
