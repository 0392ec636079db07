"""Round trips of values and the basic state operations against a real Redis."""

from __future__ import annotations

import pytest

from stepkit.adapters.redis_state import RedisStateAdapter
from stepkit.core.errors import AdapterNotSupportedError, AdapterSerializationError

VALUES = [
    None,
    True,
    False,
    0,
    -1,
    10**37,
    -(10**37) + 1,
    1.5,
    -0.0,
    "",
    "\u0000",
    "é🙂",
    [],
    {},
    {"a": [1, {"b": None}]},
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
async def test_values_round_trip_exactly(state: RedisStateAdapter, value: object) -> None:
    assert await state.set("g", "k", value) == value
    got = await state.get("g", "k")
    assert got == value
    assert type(got) is type(value)
    assert await state.exists("g", "k")


async def test_missing_and_null_are_distinct(state: RedisStateAdapter) -> None:
    assert await state.get("g", "missing") is None
    assert not await state.exists("g", "missing")
    await state.set("g", "null", None)
    assert await state.exists("g", "null")


async def test_delete_returns_previous_and_updates_index(state: RedisStateAdapter) -> None:
    await state.set("g", "a", 1)
    await state.set("g", "b", 2)
    assert await state.delete("g", "a") == 1
    assert await state.delete("g", "a") is None
    assert await state.group_ids() == ["g"]
    assert await state.delete("g", "b") == 2
    assert await state.group_ids() == []


async def test_get_many_keeps_order_with_missing(state: RedisStateAdapter) -> None:
    await state.set_many("g", {"a": 1, "b": [2], "c": {"x": 3}})
    assert await state.get_many("g", ["c", "zz", "a", "b", "a"]) == [{"x": 3}, None, 1, [2], 1]
    assert await state.get_many("g", []) == []


async def test_group_reads(state: RedisStateAdapter) -> None:
    await state.set_many("g1", {"a": 1, "b": 2})
    await state.set("g2", "c", 3)
    assert sorted(await state.keys("g1")) == ["a", "b"]
    assert await state.get_group("g1") == {"a": 1, "b": 2}
    assert sorted(await state.group_ids()) == ["g1", "g2"]
    assert await state.get_group("nothing") == {}


async def test_items_filters(state: RedisStateAdapter) -> None:
    await state.set_many("g1", {"a": {"n": 1}, "b": {"n": 5}})
    await state.set("g2", "c", {"n": 7})
    hits = await state.items(filters=[{"valueKey": "n", "operator": "gt", "value": 2}])
    assert sorted((i.group_id, i.key) for i in hits) == [("g1", "b"), ("g2", "c")]
    assert [i.key for i in await state.items("g1", [{"valueKey": "n", "operator": "eq", "value": 1}])] == ["a"]


async def test_non_json_is_refused_before_writing(state: RedisStateAdapter) -> None:
    with pytest.raises(AdapterSerializationError):
        await state.set("g", "k", float("nan"))
    with pytest.raises(AdapterSerializationError):
        await state.set_many("g", {"ok": 1, "bad": {1, 2}})
    assert await state.group_ids() == []


async def test_ttl_is_refused(state: RedisStateAdapter) -> None:
    with pytest.raises(AdapterNotSupportedError):
        await state.set("g", "k", 1, ttl=5)


async def test_namespaces_are_isolated(make_state, redis_url: str) -> None:  # type: ignore[no-untyped-def]
    mine = make_state()
    other = RedisStateAdapter({"url": redis_url, "namespace": "other-" + mine.config.namespace})
    try:
        await mine.set("g", "k", 1)
        assert await other.get("g", "k") is None
        assert await other.group_ids() == []
    finally:
        await other.close()


async def test_closed_adapter_refuses(make_state) -> None:  # type: ignore[no-untyped-def]
    from stepkit.core.errors import AdapterClosedError

    adapter = make_state()
    await adapter.close()
    await adapter.close()
    with pytest.raises(AdapterClosedError):
        await adapter.get("g", "k")
