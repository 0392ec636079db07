"""Grouped JSON entries in files: the data model of the file state and stream adapters.

Layout under ``root``: one file per group, ``g-<sha256>.json``, holding
``{"group": <id>, "entries": {<key>: [<value>, <expires_at or null>]}}``;
and one lock file per group under ``.locks/``. Files are replaced atomically
(:mod:`stepkit.core.defaults.atomic_file`), so readers need no lock and a crash
mid-write never leaves a torn file. Writers hold the group's cross-process
lock (:mod:`stepkit.core.defaults.file_lock`) around read-modify-write, so
concurrent writers in any process never lose an update. ``expires_at`` is
wall-clock time (``time.time()``), comparable across processes; expired
entries are invisible to reads and dropped by the next write of their group.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from stepkit.core.defaults.atomic_file import read_or_none, remove_durably, write_atomic
from stepkit.core.defaults.file_lock import exclusive
from stepkit.core.defaults.file_names import file_name
from stepkit.core.errors import AdapterSerializationError
from stepkit.core.json_codec import JSONValue, dumps_bytes, loads

_SUFFIX = ".json"


@dataclass
class FileEntry:
    """One stored value and its wall-clock expiry (None: never)."""

    value: JSONValue
    expires_at: float | None = None

    def live(self, now: float) -> bool:
        """True while not expired at wall-clock time ``now``."""
        return self.expires_at is None or self.expires_at > now


def wall_expiry(ttl: float | None) -> float | None:
    """Wall-clock expiry ``ttl`` seconds from now (None for no TTL)."""
    return None if ttl is None else time.time() + ttl


@dataclass
class GroupTransaction:
    """The live entries of one group, held under its lock; call :meth:`save` to write them."""

    group: str
    entries: dict[str, FileEntry]


def _decode(path: Path, data: bytes) -> tuple[str, dict[str, FileEntry]]:
    document = loads(data, f"file {path}")
    try:
        group = document["group"]
        raw = document["entries"]
        entries = {key: FileEntry(pair[0], pair[1]) for key, pair in raw.items()}
    except (KeyError, TypeError, IndexError, AttributeError) as exc:
        raise AdapterSerializationError(f"file {path} is not a stepkit group file: {exc!r}") from exc
    if not isinstance(group, str):
        raise AdapterSerializationError(f"file {path} is not a stepkit group file: bad group id")
    now = time.time()
    return group, {k: e for k, e in entries.items() if e.live(now)}


class FileGroups:
    """``group -> key -> FileEntry`` persisted under one directory."""

    def __init__(self, root: Path, lock_timeout: float) -> None:
        self.root = root
        self.lock_timeout = lock_timeout

    def _path(self, group: str) -> Path:
        return self.root / (file_name(group, "g") + _SUFFIX)

    def read(self, group: str) -> dict[str, FileEntry]:
        """The live entries of ``group`` (empty when it has none). Lock-free."""
        path = self._path(group)
        data = read_or_none(path)
        return {} if data is None else _decode(path, data)[1]

    def groups(self) -> dict[str, dict[str, FileEntry]]:
        """Every group with live entries, with those entries. Lock-free."""
        found: dict[str, dict[str, FileEntry]] = {}
        if not self.root.is_dir():
            return found
        for path in self.root.glob("g-*" + _SUFFIX):
            data = read_or_none(path)
            if data is None:
                continue
            group, entries = _decode(path, data)
            if entries:
                found[group] = entries
        return found

    @asynccontextmanager
    async def transaction(self, group: str) -> AsyncIterator[GroupTransaction]:
        """Hold the group's cross-process lock and yield its live entries.

        Changes are written only by :meth:`GroupTransaction.save` (via
        :meth:`save`); leaving the block without saving writes nothing.

        Raises:
            TimeoutError: the lock was not acquired within ``lock_timeout``.
        """
        locks = self.root / ".locks"
        locks.mkdir(parents=True, exist_ok=True)
        async with exclusive(locks / (file_name(group, "g") + ".lock"), self.lock_timeout):
            yield GroupTransaction(group, self.read(group))

    def save(self, txn: GroupTransaction) -> None:
        """Write the transaction's entries (or remove the group's file when empty)."""
        path = self._path(txn.group)
        if txn.entries:
            document = {
                "group": txn.group,
                "entries": {k: [e.value, e.expires_at] for k, e in txn.entries.items()},
            }
            write_atomic(path, dumps_bytes(document, f"group {txn.group!r}"))
        else:
            remove_durably(path)


__all__ = ["FileEntry", "FileGroups", "GroupTransaction", "wall_expiry"]
