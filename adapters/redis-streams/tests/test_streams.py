"""Streams against a real Redis: items, queries, and change events across managers."""

from __future__ import annotations

import asyncio

import pytest

from stepkit.core.errors import AdapterNotSupportedError, AdapterSerializationError
from stepkit.core.models.streams import StreamEvent


class Collector:
    """A handler that records events and lets a test wait for a count."""

    def __init__(self) -> None:
        self.events: list[StreamEvent] = []
        self._changed = asyncio.Event()

    async def __call__(self, event: StreamEvent) -> None:
        self.events.append(event)
        self._changed.set()

    async def wait_for(self, count: int) -> list[StreamEvent]:
        async with asyncio.timeout(10):
            while len(self.events) < count:
                self._changed.clear()
                await self._changed.wait()
        return self.events


async def test_items_round_trip(make_manager) -> None:  # type: ignore[no-untyped-def]
    stream = make_manager().stream("todo")
    assert await stream.set("g", "1", {"title": "a", "n": 1}) == {"title": "a", "n": 1, "id": "1"}
    assert await stream.get("g", "1") == {"title": "a", "n": 1, "id": "1"}
    assert await stream.get("g", "2") is None
    await stream.set("g", "0", {"n": 2})
    assert [item["id"] for item in await stream.get_group("g")] == ["0", "1"]
    assert await stream.delete("g", "1") == {"title": "a", "n": 1, "id": "1"}
    assert await stream.delete("g", "1") is None
    with pytest.raises(AdapterSerializationError):
        await stream.set("g", "x", {"bad": float("inf")})


async def test_query_orders_and_pages(make_manager) -> None:  # type: ignore[no-untyped-def]
    stream = make_manager().stream("s")
    for item_id, data in {"a": {"n": 2}, "b": {"n": 1}, "c": {}, "d": {"n": 1, "k": "x"}}.items():
        await stream.set("g", item_id, data)
    ids = [item["id"] for item in await stream.query("g", order_by="n")]
    assert ids == ["c", "b", "d", "a"]
    assert [i["id"] for i in await stream.query("g", order_by="n", direction="desc", offset=1, limit=2)] == ["d", "b"]
    assert [i["id"] for i in await stream.query("g", where={"n": 1})] == ["b", "d"]


async def test_groups_and_streams_never_collide(make_manager) -> None:  # type: ignore[no-untyped-def]
    manager = make_manager()
    await manager.stream("a").set("b:c", "1", {})
    await manager.stream("a:b").set("c", "1", {"other": True})
    await manager.stream("a").set("a*", "1", {})
    await manager.stream("a").clear("a*")
    assert await manager.stream("a").get("b:c", "1") == {"id": "1"}
    assert await manager.stream("a:b").get("c", "1") == {"other": True, "id": "1"}


async def test_events_reach_subscribers_of_another_manager(make_manager) -> None:  # type: ignore[no-untyped-def]
    writer, reader = make_manager(), make_manager()
    group_events, item_events = Collector(), Collector()
    await reader.stream("s").subscribe({"group_id": "g"}, group_events)
    await reader.stream("s").subscribe({"group_id": "g", "item_id": "1"}, item_events)
    stream = writer.stream("s")
    await stream.set("g", "1", {"v": 1})
    await stream.set("g", "1", {"v": 2})
    await stream.set("g", "2", {"v": 3})
    await stream.delete("g", "1")
    await stream.send({"group_id": "g"}, "ping", {"hello": "world"})
    await stream.set("other", "1", {"v": 4})
    events = await group_events.wait_for(5)
    assert [(e.type, e.item_id) for e in events] == [
        ("create", "1"),
        ("update", "1"),
        ("create", "2"),
        ("delete", "1"),
        ("event", None),
    ]
    assert events[1].data == {"v": 2, "id": "1"}
    assert events[3].data == {"v": 2, "id": "1"}
    assert events[4].name == "ping"
    assert events[4].data == {"hello": "world"}
    assert all(e.stream == "s" and e.group_id == "g" for e in events)
    assert [(e.type, e.data) for e in await item_events.wait_for(3)] == [
        ("create", {"v": 1, "id": "1"}),
        ("update", {"v": 2, "id": "1"}),
        ("delete", {"v": 2, "id": "1"}),
    ]


async def test_order_per_item_under_many_writes(make_manager) -> None:  # type: ignore[no-untyped-def]
    writer, reader = make_manager(), make_manager()
    seen = Collector()
    await reader.stream("s").subscribe({"group_id": "g"}, seen)
    await asyncio.gather(*(_write_sequence(writer, f"item{i}") for i in range(5)))
    events = await seen.wait_for(5 * 20)
    for i in range(5):
        values = [e.data["n"] for e in events if e.item_id == f"item{i}"]
        assert values == list(range(20))


async def _write_sequence(manager, item_id: str) -> None:  # type: ignore[no-untyped-def]
    for n in range(20):
        await manager.stream("s").set("g", item_id, {"n": n})


async def test_clear_emits_one_delete_per_item(make_manager) -> None:  # type: ignore[no-untyped-def]
    manager = make_manager()
    seen = Collector()
    stream = manager.stream("s")
    for item_id in ["x", "y", "z/é"]:
        await stream.set("g", item_id, {"k": item_id})
    await stream.set("keep", "x", {})
    await stream.subscribe({"group_id": "g"}, seen)
    await stream.clear("g")
    events = await seen.wait_for(3)
    assert sorted((e.type, e.item_id, e.data["k"]) for e in events) == [
        ("delete", "x", "x"),
        ("delete", "y", "y"),
        ("delete", "z/é", "z/é"),
    ]
    assert await stream.get_group("g") == []
    assert await stream.get_group("keep") == [{"id": "x"}]


async def test_unsubscribe_stops_delivery_and_failing_handler_does_not(make_manager) -> None:  # type: ignore[no-untyped-def]
    manager = make_manager()
    stream = manager.stream("s")
    gone, after = Collector(), Collector()

    async def failing(event: StreamEvent) -> None:
        raise RuntimeError("handler bug")

    subscription = await stream.subscribe({"group_id": "g"}, gone)
    await stream.subscribe({"group_id": "g"}, failing)
    await stream.subscribe({"group_id": "g"}, after)
    await stream.set("g", "1", {})
    await gone.wait_for(1)
    await stream.unsubscribe(subscription)
    await stream.unsubscribe(subscription)
    await stream.set("g", "2", {})
    await after.wait_for(2)
    assert len(gone.events) == 1


async def test_replay_is_refused(make_manager) -> None:  # type: ignore[no-untyped-def]
    stream = make_manager().stream("s")

    async def handler(event: StreamEvent) -> None:
        return None

    with pytest.raises(AdapterNotSupportedError):
        await stream.subscribe({"group_id": "g"}, handler, replay=True)


async def test_unreachable_redis_is_bounded() -> None:
    import socket

    from stepkit.adapters.redis_streams import RedisStreamManager
    from stepkit.core.errors import AdapterUnavailableError

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    manager = RedisStreamManager(
        {"url": f"redis://127.0.0.1:{port}/0", "operation_timeout": 1.0, "connect_timeout": 0.5}
    )
    try:
        with pytest.raises(AdapterUnavailableError):
            await manager.stream("s").set("g", "1", {})

        async def handler(event: StreamEvent) -> None:
            return None

        with pytest.raises(AdapterUnavailableError):
            await manager.stream("s").subscribe({"group_id": "g"}, handler)
        assert not await manager.is_healthy()
    finally:
        await manager.close()
