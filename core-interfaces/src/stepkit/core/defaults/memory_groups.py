"""Grouped JSON entries in memory, with TTL and versions: the data model of the
memory state and stream adapters.

Values are kept as JSON text (encoded with :mod:`stepkit.core.json_codec`), so
callers can never mutate stored data through a returned object and every
value round-trips exactly. Every write gets a fresh store-wide version, which
gives :meth:`MemoryGroups.compare_and_set` for optimistic updates. Expired
entries are invisible to every read and purged on the next write to their
group. All methods are thread-safe and never await.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class MemoryEntry:
    """One stored value: JSON text, monotonic expiry time (or None), version."""

    text: str
    expires_at: float | None
    version: int

    def live(self, now: float) -> bool:
        """True while the entry has not expired at monotonic time ``now``."""
        return self.expires_at is None or self.expires_at > now


def expiry(ttl: float | None) -> float | None:
    """The monotonic expiry time for ``ttl`` seconds from now (None for no TTL)."""
    return None if ttl is None else time.monotonic() + ttl


class MemoryGroups:
    """``group -> key -> MemoryEntry``; a group exists while it has a live entry."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        """Held by callers that must combine several calls atomically (never across an await)."""
        self._groups: dict[str, dict[str, MemoryEntry]] = {}
        self._version = 0

    def _live_group(self, group: str) -> dict[str, MemoryEntry]:
        entries = self._groups.get(group)
        if entries is None:
            return {}
        now = time.monotonic()
        expired = [k for k, e in entries.items() if not e.live(now)]
        for key in expired:
            del entries[key]
        if not entries:
            del self._groups[group]
            return {}
        return entries

    def get(self, group: str, key: str) -> MemoryEntry | None:
        """The live entry, or None."""
        with self.lock:
            return self._live_group(group).get(key)

    def group(self, group: str) -> dict[str, str]:
        """``key -> JSON text`` of every live entry of ``group``."""
        with self.lock:
            return {k: e.text for k, e in self._live_group(group).items()}

    def groups(self) -> list[str]:
        """Every group with at least one live entry."""
        with self.lock:
            return [g for g in list(self._groups) if self._live_group(g)]

    def put(self, group: str, values: dict[str, str], expires_at: float | None) -> dict[str, MemoryEntry | None]:
        """Store every ``key -> JSON text`` at once; returns the previous live entries."""
        with self.lock:
            entries = self._live_group(group)
            previous = {k: entries.get(k) for k in values}
            if not entries:
                entries = self._groups[group] = {}
            for key, text in values.items():
                self._version += 1
                entries[key] = MemoryEntry(text, expires_at, self._version)
            return previous

    def compare_and_set(self, group: str, key: str, expected_version: int, text: str) -> bool:
        """Store ``text`` only if the key's live version is still ``expected_version`` (0 = absent)."""
        with self.lock:
            current = self._live_group(group).get(key)
            if (current.version if current else 0) != expected_version:
                return False
            expires_at = current.expires_at if current else None
            self.put(group, {key: text}, expires_at)
            return True

    def delete(self, group: str, key: str) -> MemoryEntry | None:
        """Remove the key; returns the removed live entry, or None."""
        with self.lock:
            entries = self._live_group(group)
            removed = entries.pop(key, None)
            if removed is not None and not entries:
                del self._groups[group]
            return removed

    def clear(self, group: str) -> dict[str, str]:
        """Remove exactly ``group`` (never groups sharing a prefix); returns what was removed."""
        with self.lock:
            removed = {k: e.text for k, e in self._live_group(group).items()}
            self._groups.pop(group, None)
            return removed


__all__ = ["MemoryEntry", "MemoryGroups", "expiry"]
