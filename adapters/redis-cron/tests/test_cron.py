"""Cron locks against a real Redis: exclusivity, ownership, fencing, expiry, listing."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest

from stepkit.core.errors import AdapterUnavailableError

T = TypeVar("T")


async def eventually(probe: Callable[[], Awaitable[T | None]]) -> T:
    """Poll ``probe`` until it returns something other than None (bounded: 10 s)."""
    for _ in range(1000):
        result = await probe()
        if result is not None:
            return result
        await asyncio.sleep(0.01)
    raise AssertionError("condition not reached within 10 s")


async def test_race_has_exactly_one_winner(make_cron) -> None:  # type: ignore[no-untyped-def]
    instances = [make_cron() for _ in range(8)]
    for _ in range(5):
        results = await asyncio.gather(*(i.acquire_lock("job:*", 30) for i in instances))
        winners = [lock for lock in results if lock is not None]
        assert len(winners) == 1
        assert winners[0].instance_id in {i.instance_id for i in instances}
        assert await instances[0].release_lock(winners[0])


async def test_stale_holder_cannot_release_or_renew(make_cron) -> None:  # type: ignore[no-untyped-def]
    first, second = make_cron(), make_cron()
    stale = await first.acquire_lock("job", 0.05)
    assert stale is not None
    fresh = await eventually(lambda: second.acquire_lock("job", 30))
    assert not await first.release_lock(stale)
    assert not await first.renew_lock(stale, 30)
    assert await second.renew_lock(fresh, 30)
    assert await first.acquire_lock("job", 30) is None
    assert await second.release_lock(fresh)
    assert not await second.release_lock(fresh)


async def test_fencing_tokens_rise_and_refusals_consume_none(make_cron) -> None:  # type: ignore[no-untyped-def]
    a, b = make_cron(), make_cron()
    tokens = []
    for _ in range(4):
        lock = await a.acquire_lock("job", 30)
        assert lock is not None
        assert await b.acquire_lock("job", 30) is None
        tokens.append(lock.fencing_token)
        assert await a.release_lock(lock)
    assert tokens == sorted(set(tokens))
    assert all(later == earlier + 1 for earlier, later in itertools.pairwise(tokens))


async def test_lock_lapses_and_can_be_taken_again(make_cron) -> None:  # type: ignore[no-untyped-def]
    a, b = make_cron(), make_cron()
    lock = await a.acquire_lock("job", 0.05)
    assert lock is not None
    assert lock.expires_at > lock.acquired_at
    await eventually(lambda: b.acquire_lock("job", 30))
    assert not await a.renew_lock(lock, 30)


async def test_active_locks_lists_live_ones_only(make_cron) -> None:  # type: ignore[no-untyped-def]
    a = make_cron()
    held = await a.acquire_lock("held [x]", 30)
    short = await a.acquire_lock("short", 0.05)
    assert held is not None
    assert short is not None

    async def one_left() -> bool | None:
        return len(await a.active_locks()) == 1 or None

    await eventually(one_left)
    (info,) = await a.active_locks()
    assert info.job_name == "held [x]"
    assert info.instance_id == a.instance_id
    assert info.fencing_token == held.fencing_token
    assert info.expires_at == held.expires_at
    assert await a.renew_lock(held, 60)
    (renewed,) = await a.active_locks()
    assert renewed.expires_at > held.expires_at
    await a.release_lock(held)
    assert await a.active_locks() == []


async def test_job_names_never_collide(make_cron) -> None:  # type: ignore[no-untyped-def]
    a = make_cron()
    names = ["a", "a*", "a?", "[a]", "a:b", "a%3Ab", "🙂"]
    locks = [await a.acquire_lock(name, 30) for name in names]
    assert all(lock is not None for lock in locks)
    assert sorted(info.job_name for info in await a.active_locks()) == sorted(names)


async def test_unreachable_redis_grants_nothing(redis_url: str) -> None:
    import socket

    from stepkit.adapters.redis_cron import RedisCronAdapter

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    adapter = RedisCronAdapter({"url": f"redis://127.0.0.1:{port}/0", "operation_timeout": 1.0, "connect_timeout": 0.5})
    try:
        with pytest.raises(AdapterUnavailableError):
            await adapter.acquire_lock("job", 30)
        assert not await adapter.is_healthy()
    finally:
        await adapter.close()


async def test_healthy_on_real_redis(make_cron) -> None:  # type: ignore[no-untyped-def]
    assert await make_cron().is_healthy()
