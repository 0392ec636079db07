"""Identifiers never collide and are never used as patterns."""

from __future__ import annotations

import pytest
import redis.asyncio as aioredis

from stepkit.adapters.redis_state import RedisStateAdapter


async def test_group_key_split_does_not_collide(state: RedisStateAdapter) -> None:
    await state.set("a", "b:c", "first")
    await state.set("a:b", "c", "second")
    assert await state.get("a", "b:c") == "first"
    assert await state.get("a:b", "c") == "second"
    assert await state.keys("a") == ["b:c"]
    assert await state.keys("a:b") == ["c"]


@pytest.mark.parametrize("pattern", ["a*", "a?", "[a]", "*", "a\\*", "%61"])
async def test_glob_like_groups_are_literal(state: RedisStateAdapter, pattern: str) -> None:
    await state.set("a", "k", "plain")
    await state.set("ab", "k", "longer")
    await state.set(pattern, "k", "pattern")
    assert await state.get_group(pattern) == {"k": "pattern"}
    await state.clear(pattern)
    assert await state.get("a", "k") == "plain"
    assert await state.get("ab", "k") == "longer"
    assert sorted(await state.group_ids()) == ["a", "ab"]


async def test_clear_a_leaves_ab(state: RedisStateAdapter) -> None:
    await state.set_many("a", {"x": 1, "y": 2})
    await state.set("ab", "x", 3)
    await state.clear("a")
    assert await state.get_group("a") == {}
    assert await state.get_group("ab") == {"x": 3}
    assert await state.group_ids() == ["ab"]


async def test_odd_identifiers_round_trip(state: RedisStateAdapter) -> None:
    odd = ["a b", "🙂", "x/y%z", "k" * 256, "{tag}", "\u00e9"]
    for group in odd:
        for key in odd:
            await state.set(group, key, [group, key])
    assert sorted(await state.group_ids()) == sorted(odd)
    for group in odd:
        assert await state.get_group(group) == {key: [group, key] for key in odd}


async def test_keys_live_under_the_namespace_prefix(state: RedisStateAdapter, redis_url: str) -> None:
    await state.set("g:1", "k", 1)
    prefix = state.redis.settings.namespace_prefix
    raw = aioredis.Redis.from_url(redis_url)
    try:
        assert await raw.exists(f"{prefix}:s:g%3A1", f"{prefix}:groups") == 2
    finally:
        await raw.aclose()
