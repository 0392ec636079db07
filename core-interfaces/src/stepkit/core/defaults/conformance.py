"""Conformance factories for the core's default adapters.

Registered under the ``stepkit.conformance`` entry-point group. Each factory
builds an adapter for one test instance without touching the backend. Memory
adapters share the process-global backend (so every instance of a test in
this process is one store) and are isolated per test by ``ctx.namespace``.
File adapters use one deterministic directory,
``<tempdir>/stepkit-conformance``, so instances in child processes share it;
namespaces keep tests apart inside it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Protocol

from stepkit.core.defaults.file_state import FileStateAdapter
from stepkit.core.defaults.file_streams import FileStreamManager
from stepkit.core.defaults.inprocess_events import InProcessEventAdapter
from stepkit.core.defaults.local_cron import LocalCronAdapter
from stepkit.core.defaults.memory_state import MemoryStateAdapter
from stepkit.core.defaults.memory_streams import MemoryStreamManager


class ConformanceContext(Protocol):
    """What the factories read from ``stepkit.conformance.ConformanceContext``.

    A structural type, so that the core does not depend on the conformance kit.
    """

    @property
    def namespace(self) -> str: ...

    @property
    def operation_timeout(self) -> float: ...

    @property
    def instance_index(self) -> int: ...


def conformance_directory() -> Path:
    """The directory the file adapters use under conformance tests."""
    return Path(tempfile.gettempdir()) / "stepkit-conformance"


def _base(ctx: ConformanceContext) -> dict[str, Any]:
    return {"namespace": ctx.namespace, "operation_timeout": ctx.operation_timeout}


def memory_state(ctx: ConformanceContext) -> MemoryStateAdapter:
    """A memory state instance on the shared process backend."""
    return MemoryStateAdapter(_base(ctx))


def file_state(ctx: ConformanceContext) -> FileStateAdapter:
    """A file state instance on the shared conformance directory."""
    return FileStateAdapter({**_base(ctx), "directory": conformance_directory()})


def memory_streams(ctx: ConformanceContext) -> MemoryStreamManager:
    """A memory streams manager on the shared process backend."""
    return MemoryStreamManager(_base(ctx))


def file_streams(ctx: ConformanceContext) -> FileStreamManager:
    """A file streams manager on the shared conformance directory."""
    return FileStreamManager({**_base(ctx), "directory": conformance_directory()})


def inprocess_events(ctx: ConformanceContext) -> InProcessEventAdapter:
    """An in-process events instance on the shared process backend."""
    return InProcessEventAdapter({**_base(ctx), "drain_timeout": max(ctx.operation_timeout, 1.0)})


def local_cron(ctx: ConformanceContext) -> LocalCronAdapter:
    """A local cron instance; each instance index gets its own ``instance_id``."""
    return LocalCronAdapter({**_base(ctx), "instance_id": f"{ctx.namespace}-{ctx.instance_index}"})


__all__ = [
    "ConformanceContext",
    "conformance_directory",
    "file_state",
    "file_streams",
    "inprocess_events",
    "local_cron",
    "memory_state",
    "memory_streams",
]
