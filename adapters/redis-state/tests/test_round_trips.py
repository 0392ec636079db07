"""One round trip per call, counted by the auto-pipelining executor's batch hook."""

from __future__ import annotations

import asyncio

from stepkit.adapters.redis_state import RedisStateAdapter


async def _round_trips(state: RedisStateAdapter, call):  # type: ignore[no-untyped-def]
    executor = await state.redis.executor()
    sizes: list[int] = []
    executor.on_batch.append(sizes.append)
    try:
        await call()
    finally:
        executor.on_batch.remove(sizes.append)
    return sizes


async def test_get_many_and_set_many_are_one_round_trip(state: RedisStateAdapter) -> None:
    await state.set("g", "warm", 0)
    mapping = {f"k{i}": {"i": i} for i in range(500)}
    assert await _round_trips(state, lambda: state.set_many("g", mapping)) == [1]
    assert await _round_trips(state, lambda: state.get_many("g", list(mapping))) == [1]
    assert await _round_trips(state, lambda: state.get_group("g")) == [1]
    assert await _round_trips(state, lambda: state.clear("g")) == [1]


async def test_concurrent_calls_share_round_trips(state: RedisStateAdapter) -> None:
    await state.set("g", "k", 1)

    async def many() -> None:
        results = await asyncio.gather(*(state.get("g", "k") for _ in range(64)))
        assert results == [1] * 64

    sizes = await _round_trips(state, many)
    assert sum(sizes) == 64
    assert len(sizes) < 64


async def test_errors_are_routed_to_their_own_command(state: RedisStateAdapter) -> None:
    executor = await state.redis.executor()
    await state.set("g", "k", 1)
    key = state.redis.keys.key("s", "g")
    results = await executor.execute_many([("HGET", key, "k"), ("INCR", key), ("HEXISTS", key, "k")])
    assert results[0] == b"1"
    assert isinstance(results[1], Exception)
    assert results[2] == 1
