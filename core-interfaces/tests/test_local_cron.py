"""Every CronAdapter clause of the contract, against the local adapter."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from core_testing import eventually

from stepkit.core.capabilities import Capability
from stepkit.core.defaults.local_cron import LocalCronAdapter
from stepkit.core.defaults.memory_backend import MemoryBackend
from stepkit.core.errors import AdapterClosedError

Factory = Callable[..., LocalCronAdapter]


@pytest.fixture
def make(backend: MemoryBackend, namespace: str) -> Factory:
    def build(instance_id: str = "i", ns: str | None = None) -> LocalCronAdapter:
        return LocalCronAdapter({"namespace": ns or namespace, "instance_id": instance_id}, backend=backend)

    return build


async def test_acquire_carries_fields_and_blocks_others(make: Factory) -> None:
    a, b = make("a"), make("b")
    assert a.capabilities == {Capability.FENCING}
    lock = await a.acquire_lock("job", 10)
    assert lock is not None
    assert (lock.job_name, lock.instance_id) == ("job", "a")
    assert lock.expires_at > lock.acquired_at
    assert lock.fencing_token is not None
    assert await b.acquire_lock("job", 10) is None
    assert await a.acquire_lock("job", 10) is None
    assert await b.acquire_lock("other job", 10) is not None


async def test_race_has_exactly_one_winner(make: Factory) -> None:
    instances = [make(f"i{n}") for n in range(20)]
    for round_number in range(5):
        results = await asyncio.gather(*(i.acquire_lock(f"job-{round_number}", 10) for i in instances))
        assert len([r for r in results if r is not None]) == 1


async def test_expiry_then_retake_and_stale_holder_is_powerless(make: Factory) -> None:
    old_holder, new_holder = make("old"), make("new")
    stale = await old_holder.acquire_lock("job", 0.05)
    assert stale is not None
    taken: list[Any] = []

    async def retaken() -> bool:
        lock = await new_holder.acquire_lock("job", 10)
        if lock is not None:
            taken.append(lock)
        return bool(taken)

    await eventually(retaken, what="the expired lock to be free")
    fresh = taken[0]
    assert not await old_holder.release_lock(stale)
    assert not await old_holder.renew_lock(stale, 10)
    [info] = await new_holder.active_locks()
    assert info.instance_id == "new"
    assert await new_holder.renew_lock(fresh, 10)
    assert await new_holder.release_lock(fresh)
    assert not await new_holder.release_lock(fresh)
    assert not await new_holder.renew_lock(fresh, 10)


async def test_renew_extends_only_while_held(make: Factory) -> None:
    adapter = make()
    lock = await adapter.acquire_lock("job", 5)
    assert lock is not None
    assert await adapter.renew_lock(lock, 30)
    [info] = await adapter.active_locks()
    assert info.expires_at > lock.expires_at
    assert await adapter.acquire_lock("job", 1) is None


async def test_fencing_rises_strictly(make: Factory) -> None:
    a, b = make("a"), make("b")
    tokens: list[int] = []
    for n in range(10):
        holder = (a, b)[n % 2]
        lock = await holder.acquire_lock("job", 10)
        assert lock is not None
        assert lock.fencing_token is not None
        tokens.append(lock.fencing_token)
        assert await holder.release_lock(lock)
    assert tokens == sorted(set(tokens))
    assert len(tokens) == 10


async def test_active_locks_lists_unexpired_only(make: Factory) -> None:
    adapter = make()
    await adapter.acquire_lock("short", 0.05)
    await adapter.acquire_lock("long", 10)

    async def only_long() -> bool:
        return [i.job_name for i in await adapter.active_locks()] == ["long"]

    await eventually(only_long)
    assert not hasattr((await adapter.active_locks())[0], "lock_id")


async def test_bad_input(make: Factory) -> None:
    adapter = make()
    for ttl in (0, -1, float("nan"), float("inf"), True):
        with pytest.raises(ValueError, match="ttl"):
            await adapter.acquire_lock("job", ttl)
    with pytest.raises(ValueError, match="job_name"):
        await adapter.acquire_lock("", 1)
    with pytest.raises(ValueError, match="job_name"):
        await adapter.acquire_lock("x" * 257, 1)
    assert await adapter.active_locks() == []


async def test_odd_job_names_and_namespaces(make: Factory) -> None:
    adapter, other = make(), make(ns="other-namespace")
    assert await adapter.acquire_lock("a:b*", 10) is not None
    assert await adapter.acquire_lock("a", 10) is not None
    assert await other.acquire_lock("a:b*", 10) is not None
    assert len(await other.active_locks()) == 1


async def test_health_and_close(make: Factory) -> None:
    adapter = make()
    async with adapter:
        assert await adapter.is_healthy()
    assert not await adapter.is_healthy()
    with pytest.raises(AdapterClosedError):
        await adapter.acquire_lock("job", 1)


def test_default_instance_ids_differ() -> None:
    assert LocalCronAdapter().instance_id != LocalCronAdapter().instance_id
