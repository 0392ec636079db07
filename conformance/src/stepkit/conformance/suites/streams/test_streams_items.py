"""Items: round-trip, serialization, identifiers, clear, namespaces, lifecycle."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from stepkit.conformance.harness import Harness, eventually, new_namespace, scenario
from stepkit.conformance.strategies import LONGEST_IDENTIFIER, NASTY_IDENTIFIERS, fresh_copy
from stepkit.conformance.suites.common import assert_json_equal
from stepkit.core import AdapterClosedError, AdapterSerializationError, InvalidIdentifierError

pytestmark = pytest.mark.streams


@pytest.mark.core
@pytest.mark.clause("streams.roundtrip")
@scenario
async def test_streams_items_roundtrip_with_id(harness: Harness) -> None:
    stream = (await harness.streams()).stream("rt")
    data: dict[str, Any] = {
        "big": 10**38 - 1,
        "neg_zero": -0.0,
        "f": 1.0,
        "i": 1,
        "nul": "\u0000",
        "e": "🦄",
        "nested": {"l": [None, True, {}]},
        "id": "ignored",
    }
    returned = await stream.set("g", "item", data)
    expected = {**data, "id": "item"}
    assert_json_equal(returned, expected, "set() return value (the id must be the item id)")
    assert_json_equal(await stream.get("g", "item"), expected, "get() after set()")
    assert await stream.get("g", "missing") is None
    assert_json_equal(await stream.delete("g", "item"), expected, "delete() return value")
    assert await stream.delete("g", "item") is None
    assert await stream.get_group("g") == []


@pytest.mark.core
@pytest.mark.clause("streams.serialization")
@scenario
async def test_streams_non_json_refused_before_anything_written(harness: Harness) -> None:
    stream = (await harness.streams()).stream("ser")
    await stream.set("g", "old", {"v": 1})
    bad_items: list[Any] = [
        {"v": float("nan")},
        {"v": {1, 2}},
        {"v": b"x"},
        {"v": object()},
        {1: "x"},
        {"v": 10**38},
        [("v", 1)],
        "not a dict",
    ]
    for bad in bad_items:
        with pytest.raises(AdapterSerializationError):
            await stream.set("g", "old", bad)
        with pytest.raises(AdapterSerializationError):
            await stream.set("g", "new", bad)
    assert_json_equal(await stream.get_group("g"), [{"v": 1, "id": "old"}], "after refused writes")


@pytest.mark.core
@pytest.mark.clause("streams.identifiers")
@scenario
async def test_streams_identifiers_invalid_and_never_collide(harness: Harness) -> None:
    manager = await harness.streams()
    for bad in ("", "x" * 257):
        with pytest.raises(ValueError) as raised:
            await manager.stream("s").set(bad, "i", {})
        assert isinstance(raised.value, InvalidIdentifierError)
        with pytest.raises(ValueError):
            await manager.stream("s").set("g", bad, {})
        with pytest.raises(ValueError):
            manager.stream(bad)
    pool = NASTY_IDENTIFIERS[:10]
    triples = list(itertools.product(pool[:5], pool, pool))
    for n, (s, g, i) in enumerate(triples):
        await manager.stream(s).set(g, i, {"n": n})
    for n, (s, g, i) in enumerate(triples):
        got = await manager.stream(s).get(g, i)
        assert got == {"n": n, "id": i}, f"({s!r}, {g!r}, {i!r}) holds {got!r}: identifiers collided"
    await manager.stream(LONGEST_IDENTIFIER).set(LONGEST_IDENTIFIER, LONGEST_IDENTIFIER, {})
    assert await manager.stream(LONGEST_IDENTIFIER).get(LONGEST_IDENTIFIER, LONGEST_IDENTIFIER) is not None


@pytest.mark.core
@pytest.mark.clause("streams.identifiers")
@scenario
async def test_streams_equal_but_distinct_identifier_objects_name_one_item(harness: Harness) -> None:
    """Identifiers are compared by value: one ``str`` object as stream, group and item id, then equal copies."""
    manager = await harness.streams()
    for n, text in enumerate(("ab", "a:b", "🦄 x", LONGEST_IDENTIFIER)):
        same = fresh_copy(text)
        await manager.stream(same).set(same, same, {"n": n})
        why = f"an item set with one str object {text[:12]!r} as stream, group and id, read with equal copies"
        copies = [fresh_copy(text) for _ in range(6)]
        assert await manager.stream(copies[0]).get(copies[1], copies[2]) == {"n": n, "id": text}, f"get(): {why}"
        listed = await manager.stream(copies[3]).get_group(copies[4])
        assert listed == [{"n": n, "id": text}], f"get_group() = {listed!r}: {why}"
        await manager.stream(copies[5]).set(copies[0], copies[1], {"n": -n})
        listed = await manager.stream(same).get_group(same)
        assert listed == [{"n": -n, "id": text}], f"set() with equal copies made a second item: {listed!r}"
        assert await manager.stream(copies[2]).delete(copies[3], copies[4]) == {"n": -n, "id": text}, f"delete(): {why}"
        assert await manager.stream(same).get_group(same) == [], f"delete() with equal copies left the item: {why}"


@pytest.mark.core
@pytest.mark.clause("streams.clear")
@scenario
async def test_streams_clear_removes_that_group_only(harness: Harness) -> None:
    manager = await harness.streams()
    stream = manager.stream("c")
    groups = ["a", "ab", "a:b", "a*", "A"]
    for group in groups:
        await stream.set(group, "i", {"g": group})
    await manager.stream("c2").set("a", "i", {"g": "other stream"})
    await stream.clear("a")
    assert await stream.get_group("a") == []
    for group in groups[1:]:
        assert await stream.get(group, "i") == {"g": group, "id": "i"}, f"clear('a') touched group {group!r}"
    assert await manager.stream("c2").get("a", "i") is not None, "clear() touched another stream"


@pytest.mark.multi
@pytest.mark.clause("streams.namespaces")
@scenario
async def test_streams_namespaces_are_isolated(harness: Harness) -> None:
    mine = (await harness.streams()).stream("n")
    theirs = (await harness.streams(new_namespace())).stream("n")
    received: list[Any] = []

    async def handler(event: Any) -> None:
        received.append(event)

    await mine.subscribe({"group_id": "g"}, handler)
    await theirs.set("g", "i", {"v": "theirs"})
    await theirs.send({"group_id": "g"}, "custom", 1)
    await mine.set("g", "sentinel", {})
    await eventually(lambda: any(e.item_id == "sentinel" for e in received), "my own create event")
    assert all(e.item_id == "sentinel" for e in received), f"events from another namespace arrived: {received!r}"
    assert await mine.get("g", "i") is None, "another namespace's item is visible"


@pytest.mark.core
@pytest.mark.clause("streams.lifecycle")
@scenario
async def test_streams_close_is_idempotent_and_final(harness: Harness) -> None:
    manager = await harness.streams()
    async with manager:
        await manager.stream("l").set("g", "i", {})
    await manager.close()
    with pytest.raises(AdapterClosedError):
        manager.stream("l")
    clone = type(manager).from_config(manager.config.model_dump())
    assert clone.config == manager.config, "an adapter rebuilt from its config dump has another config"
    await clone.close()
    other = await harness.streams()
    assert await other.stream("l").get("g", "i") == {"id": "i"}, "closing one instance lost data"
