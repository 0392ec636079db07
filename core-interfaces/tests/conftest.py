"""Shared fixtures: adapters on fresh namespaces, and bounded polling."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from stepkit.core.defaults.file_state import FileStateAdapter
from stepkit.core.defaults.file_streams import FileStreamManager
from stepkit.core.defaults.memory_backend import MemoryBackend
from stepkit.core.defaults.memory_state import MemoryStateAdapter
from stepkit.core.defaults.memory_streams import MemoryStreamManager
from stepkit.core.protocols.state import StateAdapter
from stepkit.core.protocols.streams import StreamAdapterManager


@pytest.fixture
def namespace() -> str:
    return f"t-{uuid.uuid4().hex}"


STATE_KINDS = ["memory", "file"]


def make_state(kind: str, namespace: str, directory: Path, backend: MemoryBackend) -> StateAdapter:
    if kind == "memory":
        return MemoryStateAdapter({"namespace": namespace}, backend=backend)
    return FileStateAdapter({"namespace": namespace, "directory": directory})


def make_streams(kind: str, namespace: str, directory: Path, backend: MemoryBackend) -> StreamAdapterManager:
    if kind == "memory":
        return MemoryStreamManager({"namespace": namespace}, backend=backend)
    return FileStreamManager({"namespace": namespace, "directory": directory})


@pytest.fixture
def backend() -> MemoryBackend:
    return MemoryBackend()


@pytest.fixture(params=STATE_KINDS)
def state_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def state_factory(
    state_kind: str, namespace: str, tmp_path: Path, backend: MemoryBackend
) -> Callable[..., StateAdapter]:
    def build(ns: str | None = None) -> StateAdapter:
        return make_state(state_kind, ns or namespace, tmp_path, backend)

    return build


@pytest.fixture
async def state(state_factory: Callable[..., StateAdapter]) -> AsyncIterator[StateAdapter]:
    async with state_factory() as adapter:
        yield adapter


@pytest.fixture(params=STATE_KINDS)
def streams_factory(
    request: pytest.FixtureRequest, namespace: str, tmp_path: Path, backend: MemoryBackend
) -> Callable[..., StreamAdapterManager]:
    def build(ns: str | None = None) -> StreamAdapterManager:
        return make_streams(str(request.param), ns or namespace, tmp_path, backend)

    return build
