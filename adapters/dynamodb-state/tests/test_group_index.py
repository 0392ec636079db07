"""group_ids comes from group index items (no scan) and stays exact with delete, clear and TTL."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from typing import Any

from stepkit.adapters.dynamodb_state import DynamoDBStateAdapter
from stepkit.adapters.dynamodb_state.layout import index_pk, namespace_prefix


async def _index_items(raw: Any, namespace: str) -> list[str]:
    response = await raw.query(
        TableName="stepkit-state",
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": index_pk(namespace_prefix(namespace))}},
        ConsistentRead=True,
    )
    return sorted(item["sk"]["S"] for item in response["Items"])


async def test_group_ids_follow_delete_and_clear(state: DynamoDBStateAdapter) -> None:
    await state.set("a", "k", 1)
    await state.set_many("b", {"k": 1, "l": 2})
    await state.update("c", "k", lambda v: 1)
    assert sorted(await state.group_ids()) == ["a", "b", "c"]
    assert await state.delete("a", "k") == 1
    await state.clear("b")
    assert await state.group_ids() == ["c"]
    await state.set("a", "again", 2)
    assert sorted(await state.group_ids()) == ["a", "c"]


async def test_index_items_of_empty_groups_are_removed_after_grace(
    make_state: Callable[..., DynamoDBStateAdapter], raw: Any, namespace: str
) -> None:
    state = make_state(index_grace_seconds=0.3, clock_skew_seconds=0)
    await state.set("deleted", "k", 1)
    await state.set("cleared", "k", 1)
    await state.set("kept", "k", 1)
    await state.set("expired", "k", 1, ttl=0.2)
    assert await _index_items(raw, namespace) == ["cleared", "deleted", "expired", "kept"]
    await state.delete("deleted", "k")
    await asyncio.sleep(0.4)
    await state.clear("cleared")
    assert await _index_items(raw, namespace) == ["deleted", "expired", "kept"]
    assert await state.group_ids() == ["kept"]
    assert await _index_items(raw, namespace) == ["kept"]


async def test_another_instance_clear_does_not_hide_later_writes(
    make_state: Callable[..., DynamoDBStateAdapter],
) -> None:
    writer = make_state(index_grace_seconds=0.3, clock_skew_seconds=0)
    cleaner = make_state(index_grace_seconds=0.3, clock_skew_seconds=0)
    await writer.set("g", "k", 1)
    await asyncio.sleep(0.4)
    await cleaner.clear("g")
    assert await cleaner.group_ids() == []
    await writer.set("g", "k2", 2)  # the writer's cached index write is too old to rely on: it rewrites it
    assert await cleaner.group_ids() == ["g"]


async def test_group_ids_reads_only_the_index_and_listed_groups(state: DynamoDBStateAdapter, raw: Any) -> None:
    noise = {f"n{i}": i for i in range(50)}
    await state.set_many("big", noise)
    await state.set("small", "k", 1)
    assert sorted(await state.group_ids()) == ["big", "small"]
    assert len(await state.items()) == 51


async def test_index_stays_exact_under_racing_writes_clears_and_cleanups(
    make_state: Callable[..., DynamoDBStateAdapter],
) -> None:
    # A short grace period so index items age, get cleaned up and cached index writes expire during the run.
    settings = {"index_grace_seconds": 4.0, "clock_skew_seconds": 0.0, "operation_timeout": 1.5}
    instances = [make_state(**settings) for _ in range(3)]
    groups = [f"g{i}" for i in range(4)]
    rng = random.Random(7)
    loop = asyncio.get_running_loop()
    stop = loop.time() + 8.0

    async def worker(state: DynamoDBStateAdapter) -> None:
        while loop.time() < stop:
            group, roll = rng.choice(groups), rng.random()
            if roll < 0.45:
                await state.set(group, rng.choice("abc"), 1)
            elif roll < 0.6:
                await state.delete(group, rng.choice("abc"))
            elif roll < 0.75:
                await state.clear(group)
            else:
                await state.group_ids()
            await asyncio.sleep(rng.random() * 0.05)

    await asyncio.gather(*(worker(state) for state in instances))
    for state in instances:
        listed = set(await state.group_ids())
        holding = {group for group in groups if await state.get_group(group)}
        assert listed == holding
