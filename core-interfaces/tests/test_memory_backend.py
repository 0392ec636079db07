"""Shared in-memory backends: explicit objects and the process-global registry."""

from __future__ import annotations

import pytest

from stepkit.core.defaults.inprocess_events import InProcessEventAdapter
from stepkit.core.defaults.local_cron import LocalCronAdapter
from stepkit.core.defaults.memory_backend import MemoryBackend, shared_backend
from stepkit.core.defaults.memory_state import MemoryStateAdapter
from stepkit.core.defaults.memory_streams import MemoryStreamManager
from stepkit.core.errors import AdapterConflictError
from stepkit.core.registry import adapter_from_env


async def test_backend_object_is_one_store(namespace: str) -> None:
    backend, elsewhere = MemoryBackend(), MemoryBackend()
    a = MemoryStateAdapter({"namespace": namespace}, backend=backend)
    b = MemoryStateAdapter({"namespace": namespace}, backend=backend)
    c = MemoryStateAdapter({"namespace": namespace}, backend=elsewhere)
    await a.set("g", "k", 1)
    assert await b.get("g", "k") == 1
    assert await c.get("g", "k") is None
    assert backend.namespaces("state") == [namespace]


async def test_global_registry_by_store_name(namespace: str) -> None:
    assert shared_backend("x") is shared_backend("x")
    assert shared_backend("x") is not shared_backend("y")
    one = MemoryStreamManager({"namespace": namespace, "store": "x"})
    two = MemoryStreamManager({"namespace": namespace, "store": "x"})
    await one.stream("s").set("g", "1", {})
    assert await two.stream("s").get("g", "1") == {"id": "1"}
    assert one.backend is shared_backend("x")


async def test_env_built_adapters_share(monkeypatch: pytest.MonkeyPatch, namespace: str) -> None:
    monkeypatch.setenv("STEPKIT_CRON_NAMESPACE", namespace)
    monkeypatch.setenv("STEPKIT_CRON_STORE", "env-store")
    a, b = adapter_from_env("cron"), adapter_from_env("cron")
    assert isinstance(a, LocalCronAdapter)
    assert isinstance(b, LocalCronAdapter)
    assert await a.acquire_lock("job", 10) is not None
    assert await b.acquire_lock("job", 10) is None


def test_kinds_do_not_clash(namespace: str) -> None:
    backend = MemoryBackend()
    MemoryStateAdapter({"namespace": namespace}, backend=backend)
    InProcessEventAdapter({"namespace": namespace}, backend=backend)
    assert backend.namespaces("events") == [namespace]
    with pytest.raises(TypeError):
        backend.store("state", namespace, int, int)


async def test_update_that_always_loses_gives_up_cleanly(namespace: str) -> None:
    state = MemoryStateAdapter({"namespace": namespace, "operation_timeout": 0.05}, backend=MemoryBackend())
    calls = 0

    async def contended(value: object) -> object:
        nonlocal calls
        calls += 1
        await state.set("g", "k", calls)
        return "from update"

    with pytest.raises(AdapterConflictError, match="nothing was written"):
        await state.update("g", "k", contended)
    assert await state.get("g", "k") == calls
    assert calls > 1
