"""TTL: DynamoDB's TTL attribute is set, and expired entries vanish from every read at once."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from stepkit.adapters.dynamodb_state import DynamoDBStateAdapter
from stepkit.adapters.dynamodb_state.layout import group_pk, namespace_prefix

TTL = 0.5


async def test_expired_entries_disappear_from_every_read(state: DynamoDBStateAdapter, raw: Any, namespace: str) -> None:
    await state.set("short", "a", {"n": 1}, ttl=TTL)
    await state.set_many("short", {"b": 2, "c": 3}, ttl=TTL)
    await state.set("mixed", "gone", 1, ttl=TTL)
    await state.set("mixed", "stays", 2)
    assert sorted(await state.group_ids()) == ["mixed", "short"]
    await asyncio.sleep(TTL + 0.2)
    # The items are still in the table (DynamoDB deletes lazily) ...
    stored = await raw.query(
        TableName="stepkit-state",
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": group_pk(namespace_prefix(namespace), "short")}},
        ConsistentRead=True,
    )
    assert stored["Count"] == 3
    # ... but no read returns them.
    assert await state.get("short", "a") is None
    assert await state.exists("short", "a") is False
    assert await state.get_many("short", ["a", "b", "c"]) == [None, None, None]
    assert await state.keys("short") == []
    assert await state.get_group("short") == {}
    assert await state.items("short") == []
    assert await state.group_ids() == ["mixed"]
    assert [(i.group_id, i.key) for i in await state.items()] == [("mixed", "stays")]
    assert await state.delete("short", "a") is None
    assert await state.update("short", "b", lambda v: {"was": v}) == {"was": None}


async def test_ttl_attribute_is_epoch_seconds(state: DynamoDBStateAdapter, raw: Any, stored: Any) -> None:
    before = time.time()
    await state.set("g", "k", 1, ttl=100)
    item = await stored("g", "k")
    assert before + 99 <= int(item["exp"]["N"]) <= time.time() + 101
    ttl = await raw.describe_time_to_live(TableName="stepkit-state")
    assert ttl["TimeToLiveDescription"]["AttributeName"] == "exp"


async def test_update_keeps_ttl_and_set_clears_it(state: DynamoDBStateAdapter) -> None:
    await state.set("g", "counter", 1, ttl=TTL)
    assert await state.update("g", "counter", lambda v: v + 1) == 2
    await state.set("g", "plain", 1, ttl=TTL)
    await state.set("g", "plain", 2)
    await asyncio.sleep(TTL + 0.2)
    assert await state.exists("g", "counter") is False, "update dropped the entry's TTL"
    assert await state.get("g", "plain") == 2
