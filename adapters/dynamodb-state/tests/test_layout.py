"""Table layout: namespaces in the partition key, no collisions, one shared table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stepkit.adapters.dynamodb_state import DynamoDBStateAdapter
from stepkit.adapters.dynamodb_state.layout import group_pk, index_pk, namespace_prefix


def test_partition_keys_are_injective() -> None:
    assert group_pk(namespace_prefix("a"), "b") != group_pk(namespace_prefix("ag"), "b")
    assert group_pk(namespace_prefix("ns"), "i") != index_pk(namespace_prefix("ns"))
    assert namespace_prefix("a:b") == "3:a:b"
    keys = {group_pk(namespace_prefix(ns), g) for ns in ("1", "1:", "a", "a1") for g in ("1:a", "a", ":a", "g1")}
    assert len(keys) == 16


async def test_namespaces_share_the_table_but_not_data(
    make_state: Callable[..., DynamoDBStateAdapter], namespace: str, raw: Any
) -> None:
    mine = make_state()
    theirs = make_state(namespace=namespace + "g")  # a prefix-sharing namespace in the same table
    await mine.set("g", "k", "mine")
    await theirs.set("g", "k", "theirs")
    await theirs.set("gx", "k", "theirs")
    assert await mine.get("g", "k") == "mine"
    assert await mine.group_ids() == ["g"]
    assert sorted(await theirs.group_ids()) == ["g", "gx"]
    await theirs.clear("g")
    assert await mine.get_group("g") == {"k": "mine"}
    tables = (await raw.list_tables())["TableNames"]
    assert "stepkit-state" in tables
    for group in await theirs.group_ids():
        await theirs.clear(group)


async def test_group_and_key_never_collide(state: DynamoDBStateAdapter) -> None:
    await state.set("a", "b:c", 1)
    await state.set("a:b", "c", 2)
    await state.set("a*", "[x]?", 3)
    assert await state.get_group("a") == {"b:c": 1}
    assert await state.get_group("a:b") == {"c": 2}
    assert await state.get_group("a*") == {"[x]?": 3}
    assert sorted(await state.group_ids()) == ["a", "a*", "a:b"]


async def test_longest_identifiers_fit_the_key_limits(make_state: Callable[..., DynamoDBStateAdapter]) -> None:
    state = make_state()
    group = "🚀" * 256  # 1024 bytes: DynamoDB's sort key limit, and partition key <= 2048 with the namespace
    key = "💡" * 256
    await state.set(group, key, "x")
    assert await state.get(group, key) == "x"
    assert await state.group_ids() == [group]


async def test_longest_namespace_fits(make_state: Callable[..., DynamoDBStateAdapter]) -> None:
    namespace = "🚀" * 254 + "ab"  # 1018 bytes
    state = make_state(namespace=namespace)
    group = "💡" * 256
    await state.set(group, "k", 1)
    assert await state.group_ids() == [group]
    await state.clear(group)
