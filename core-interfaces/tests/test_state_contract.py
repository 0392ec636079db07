"""Every StateAdapter clause of the contract, against the memory and file adapters."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import pytest
from core_testing import eventually

from stepkit.core.capabilities import Capability
from stepkit.core.errors import AdapterClosedError, AdapterSerializationError, InvalidIdentifierError
from stepkit.core.json_codec import MAX_INT, json_equal
from stepkit.core.models.state import StateFilter
from stepkit.core.protocols.state import StateAdapter

ODD_IDS = ["a:b", "*", "?", "[x]", "a/b", "%2F", "with space", "🎉", "x" * 256, "A", "a", "..", "."]


async def test_capabilities(state: StateAdapter) -> None:
    assert {Capability.TTL, Capability.ATOMIC_UPDATE} <= state.capabilities


async def test_basic_crud(state: StateAdapter) -> None:
    assert await state.get("g", "k") is None
    assert not await state.exists("g", "k")
    assert await state.set("g", "k", {"a": [1, 2.5, "x"]}) == {"a": [1, 2.5, "x"]}
    assert await state.get("g", "k") == {"a": [1, 2.5, "x"]}
    assert await state.delete("g", "k") == {"a": [1, 2.5, "x"]}
    assert await state.delete("g", "k") is None
    assert not await state.exists("g", "k")


async def test_null_is_stored(state: StateAdapter) -> None:
    await state.set("g", "k", None)
    assert await state.exists("g", "k")
    assert await state.get("g", "k") is None
    assert await state.keys("g") == ["k"]
    assert await state.get_group("g") == {"k": None}


@pytest.mark.parametrize(
    "value",
    [0, -1, MAX_INT - 1, -(MAX_INT - 1), 1.0, -0.0, 1e-300, "\u0000", "🎉\u2028", True, False, [], {}, [None, {"": 0}]],
    ids=repr,
)
async def test_values_round_trip_exactly(state: StateAdapter, value: Any) -> None:
    await state.set("g", "k", value)
    back = await state.get("g", "k")
    assert json_equal(back, value)


@pytest.mark.parametrize("bad", [float("nan"), {1, 2}, b"x", object(), (1,), {"k": float("inf")}, MAX_INT], ids=repr)
async def test_non_json_refused_before_write(state: StateAdapter, bad: Any) -> None:
    with pytest.raises(AdapterSerializationError):
        await state.set("g", "k", bad)
    with pytest.raises(AdapterSerializationError):
        await state.set_many("g", {"ok": 1, "bad": bad})
    assert await state.group_ids() == []
    assert not await state.exists("g", "ok")


async def test_returned_values_are_copies(state: StateAdapter) -> None:
    value = {"a": [1]}
    await state.set("g", "k", value)
    value["a"].append(2)
    got = await state.get("g", "k")
    got["a"].append(3)
    assert await state.get("g", "k") == {"a": [1]}


@pytest.mark.parametrize("bad", ["", "x" * 257, 5])
async def test_bad_identifiers(state: StateAdapter, bad: Any) -> None:
    for call in (
        lambda: state.get(bad, "k"),
        lambda: state.get("g", bad),
        lambda: state.set(bad, "k", 1),
        lambda: state.set_many("g", {bad: 1}),
        lambda: state.delete("g", bad),
        lambda: state.keys(bad),
        lambda: state.clear(bad),
        lambda: state.get_many("g", ["ok", bad]),
        lambda: state.update("g", bad, lambda v: v),
    ):
        with pytest.raises(InvalidIdentifierError):
            await call()
    assert await state.group_ids() == []


async def test_odd_identifiers_are_opaque(state: StateAdapter) -> None:
    for i, ident in enumerate(ODD_IDS):
        await state.set(ident, ident, i)
    assert sorted(await state.group_ids()) == sorted(ODD_IDS)
    for i, ident in enumerate(ODD_IDS):
        assert await state.get(ident, ident) == i
        assert await state.keys(ident) == [ident]


async def test_no_collision_across_separator(state: StateAdapter) -> None:
    await state.set("a", "b:c", 1)
    await state.set("a:b", "c", 2)
    assert await state.get("a", "b:c") == 1
    assert await state.get("a:b", "c") == 2
    assert await state.keys("a") == ["b:c"]
    assert await state.keys("a:b") == ["c"]


async def test_clear_is_exact_not_prefix(state: StateAdapter) -> None:
    await state.set_many("a", {"k": 1, "j": 2})
    await state.set("ab", "k", 3)
    await state.set("a*", "k", 4)
    await state.clear("a")
    assert await state.get_group("a") == {}
    assert await state.get("ab", "k") == 3
    assert await state.get("a*", "k") == 4
    assert sorted(await state.group_ids()) == ["a*", "ab"]
    await state.clear("missing")


async def test_many_and_group(state: StateAdapter) -> None:
    await state.set_many("g", {"a": 1, "b": None, "c": "x"})
    await state.set("g", "a", 10)
    assert await state.get_many("g", ["c", "zz", "a", "b", "a"]) == ["x", None, 10, None, 10]
    assert await state.get_many("g", []) == []
    assert sorted(await state.keys("g")) == ["a", "b", "c"]
    assert await state.get_group("g") == {"a": 10, "b": None, "c": "x"}
    assert await state.group_ids() == ["g"]
    await state.set_many("g", {})
    assert await state.keys("empty") == []


async def test_items_with_filters(state: StateAdapter) -> None:
    await state.set_many("g1", {"a": {"n": 1, "s": "apple"}, "b": {"n": 5, "s": "banana"}, "c": 7})
    await state.set("g2", "d", {"n": 9, "s": "cherry"})
    everything = await state.items()
    assert len(everything) == 4
    big = await state.items(filters=[StateFilter(value_key="n", operator="gt", value=2)])
    assert sorted((i.group_id, i.key) for i in big) == [("g1", "b"), ("g2", "d")]
    one_group = await state.items("g1", [{"valueKey": "s", "operator": "startsWith", "value": "b"}])  # type: ignore[list-item]
    assert [(i.key, i.value) for i in one_group] == [("b", {"n": 5, "s": "banana"})]
    scalar = await state.items("g1", [StateFilter(operator="eq", value=7)])
    assert [i.key for i in scalar] == ["c"]
    with pytest.raises(AdapterSerializationError):
        await state.items(filters=[StateFilter(operator="eq", value=float("nan"))])


async def test_ttl_expires(state: StateAdapter) -> None:
    written = time.monotonic()
    await state.set("g", "short", 1, ttl=0.2)
    await state.set_many("g", {"m1": 1, "m2": 2}, ttl=0.2)
    await state.set("g", "long", 2)
    present = await state.exists("g", "short")
    if time.monotonic() - written < 0.2:  # only meaningful if the machine was not too slow to look in time
        assert present

    async def gone() -> bool:
        return not await state.exists("g", "short") and not await state.exists("g", "m1")

    await eventually(gone, what="ttl expiry")
    assert await state.keys("g") == ["long"]
    assert await state.get_many("g", ["short", "m2", "long"]) == [None, None, 2]
    await state.set("g2", "k", 1, ttl=0.01)

    async def group_gone() -> bool:
        return await state.group_ids() == ["g"]

    await eventually(group_gone, what="expired group to vanish")


@pytest.mark.parametrize("ttl", [0, -1, float("nan"), float("inf"), "5", True])
async def test_bad_ttl(state: StateAdapter, ttl: Any) -> None:
    with pytest.raises(ValueError, match="ttl"):
        await state.set("g", "k", 1, ttl=ttl)
    assert not await state.exists("g", "k")


async def test_update_basic(state: StateAdapter) -> None:
    assert await state.update("g", "n", lambda v: (v or 0) + 1) == 1
    assert await state.update("g", "n", lambda v: v + 1) == 2

    async def async_fn(v: Any) -> Any:
        await asyncio.sleep(0)
        return {"n": v}

    assert await state.update("g", "n", async_fn) == {"n": 2}
    assert await state.get("g", "n") == {"n": 2}


async def test_update_failures_write_nothing(state: StateAdapter) -> None:
    await state.set("g", "k", 1)

    def boom(v: Any) -> Any:
        raise LookupError("from fn")

    with pytest.raises(LookupError, match="from fn"):
        await state.update("g", "k", boom)
    with pytest.raises(AdapterSerializationError):
        await state.update("g", "k", lambda v: {1, 2})
    assert await state.get("g", "k") == 1


async def test_concurrent_updates_are_exact(state_factory: Callable[..., StateAdapter]) -> None:
    instances = [state_factory() for _ in range(3)]

    async def bump(v: Any) -> Any:
        await asyncio.sleep(0)
        return (v or 0) + 1

    async def worker(adapter: StateAdapter, n: int) -> None:
        for _ in range(n):
            await adapter.update("g", "counter", bump)

    await asyncio.gather(*(worker(instances[i % 3], 10) for i in range(12)))
    assert await instances[0].get("g", "counter") == 120
    for adapter in instances:
        await adapter.close()


async def test_instances_share_and_namespaces_isolate(state_factory: Callable[..., StateAdapter]) -> None:
    a, b, other = state_factory(), state_factory(), state_factory("other-namespace")
    await a.set("g", "k", 1)
    assert await b.get("g", "k") == 1
    assert await other.get("g", "k") is None
    assert await other.group_ids() == []
    await other.set("g", "k", 2)
    await other.clear("g")
    assert await b.get("g", "k") == 1
    assert [i.value for i in await other.items()] == []
    for adapter in (a, b, other):
        await adapter.close()


async def test_close_is_idempotent_and_final(state_factory: Callable[..., StateAdapter]) -> None:
    adapter = state_factory()
    async with adapter:
        await adapter.set("g", "k", 1)
    await adapter.close()
    assert adapter.closed
    with pytest.raises(AdapterClosedError):
        await adapter.get("g", "k")
    assert not await adapter.is_healthy()
