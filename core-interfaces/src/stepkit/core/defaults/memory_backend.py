"""The shared in-memory "server" behind every memory adapter.

A :class:`MemoryBackend` plays the role a Redis server plays for the Redis
adapters: every adapter instance given the same backend object (and the same
namespace) sees one logical store. Each ``(kind, namespace)`` pair gets its
own store object, so namespaces never see each other's data or events.

:func:`shared_backend` is a process-global registry of backends keyed by the
``store`` config field, so that two adapters built from equal configuration
(directly, through :func:`stepkit.core.registry.create_adapter` or from the
environment) share data without being handed the same object.

Stores guard their data with a :class:`threading.Lock` held only for short,
non-awaiting critical sections, so a backend may be used from several event
loops or threads at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

S = TypeVar("S")

DEFAULT_STORE = "default"
"""The ``store`` name used when a config does not give one."""


class MemoryBackend:
    """A process-local backend holding one store per ``(kind, namespace)``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stores: dict[tuple[str, str], object] = {}

    def store(self, kind: str, namespace: str, store_type: type[S], factory: Callable[[], S]) -> S:
        """The store of ``kind`` for ``namespace``, created by ``factory`` on first use.

        Raises:
            TypeError: a store of another type already exists under that key.
        """
        with self._lock:
            existing = self._stores.get((kind, namespace))
            if existing is None:
                created = factory()
                self._stores[(kind, namespace)] = created
                return created
        if not isinstance(existing, store_type):
            raise TypeError(f"memory store {kind!r}/{namespace!r} holds a {type(existing).__name__}")
        return existing

    def namespaces(self, kind: str) -> list[str]:
        """The namespaces that have a store of ``kind``."""
        with self._lock:
            return sorted(ns for k, ns in self._stores if k == kind)


_SHARED: dict[str, MemoryBackend] = {}
_SHARED_LOCK = threading.Lock()


def shared_backend(name: str = DEFAULT_STORE) -> MemoryBackend:
    """The process-global backend called ``name`` (created on first use)."""
    with _SHARED_LOCK:
        backend = _SHARED.get(name)
        if backend is None:
            backend = _SHARED[name] = MemoryBackend()
        return backend


def open_store(
    backend: MemoryBackend | None, store: str, kind: str, namespace: str, store_type: type[S]
) -> tuple[MemoryBackend, S]:
    """The backend an adapter uses (``backend``, else ``shared_backend(store)``) and its
    ``(kind, namespace)`` store, built by ``store_type()`` on first use."""
    chosen = backend if backend is not None else shared_backend(store)
    return chosen, chosen.store(kind, namespace, store_type, store_type)


__all__ = ["DEFAULT_STORE", "MemoryBackend", "open_store", "shared_backend"]
