"""Every StreamAdapter clause of the contract, against the memory and file managers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from core_testing import wait_for

from stepkit.core.capabilities import Capability
from stepkit.core.errors import AdapterClosedError, AdapterNotSupportedError, AdapterSerializationError
from stepkit.core.models.streams import StreamChannel, StreamEvent
from stepkit.core.protocols.streams import StreamAdapterManager

Factory = Callable[..., StreamAdapterManager]


class Recorder:
    def __init__(self) -> None:
        self.events: list[StreamEvent] = []

    async def __call__(self, event: StreamEvent) -> None:
        self.events.append(event)

    def kinds(self) -> list[tuple[str, str | None]]:
        return [(e.type, e.item_id if e.type != "event" else e.name) for e in self.events]


async def test_crud_and_ids(streams_factory: Factory) -> None:
    async with streams_factory() as manager:
        stream = manager.stream("todo")
        assert manager.stream("todo") is stream
        assert await stream.get("g", "1") is None
        assert await stream.set("g", "1", {"title": "a", "id": "ignored"}) == {"title": "a", "id": "1"}
        assert await stream.get("g", "1") == {"title": "a", "id": "1"}
        assert await stream.set("g", "1", {"title": "b"}) == {"title": "b", "id": "1"}
        await stream.set("g", "0", {})
        assert await stream.get_group("g") == [{"id": "0"}, {"title": "b", "id": "1"}]
        assert await stream.delete("g", "1") == {"title": "b", "id": "1"}
        assert await stream.delete("g", "1") is None
        assert Capability.REPLAY not in manager.capabilities


async def test_bad_input(streams_factory: Factory) -> None:
    async with streams_factory() as manager:
        stream = manager.stream("s")
        with pytest.raises(AdapterSerializationError):
            await stream.set("g", "1", {"x": float("nan")})
        with pytest.raises(AdapterSerializationError):
            await stream.set("g", "1", [1, 2])  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="item id"):
            await stream.set("g", "", {})
        with pytest.raises(ValueError, match="group_id"):
            await stream.get("x" * 257, "1")
        with pytest.raises(ValueError, match="stream name"):
            manager.stream("")
        with pytest.raises(AdapterSerializationError):
            await stream.send({"group_id": "g"}, "e", {1})
        assert await stream.get_group("g") == []


async def test_clear_exact_group_and_no_collisions(streams_factory: Factory) -> None:
    async with streams_factory() as manager:
        stream = manager.stream("s")
        await stream.set("a", "b:c", {"v": 1})
        await stream.set("a:b", "c", {"v": 2})
        await stream.set("ab", "x", {"v": 3})
        await manager.stream("s2").set("a", "y", {"v": 4})
        await stream.clear("a")
        assert await stream.get_group("a") == []
        assert await stream.get("a:b", "c") == {"v": 2, "id": "c"}
        assert await stream.get("ab", "x") == {"v": 3, "id": "x"}
        assert await manager.stream("s2").get("a", "y") == {"v": 4, "id": "y"}


async def test_query(streams_factory: Factory) -> None:
    async with streams_factory() as manager:
        stream = manager.stream("s")
        rows: dict[str, dict[str, Any]] = {"c": {"n": 1}, "a": {"n": 2}, "b": {"n": 1, "k": "x"}, "d": {}}
        for item_id, data in rows.items():
            await stream.set("g", item_id, data)

        def ids(items: list[dict[str, Any]]) -> list[str]:
            return [str(i["id"]) for i in items]

        assert ids(await stream.query("g", order_by="n")) == ["d", "b", "c", "a"]
        assert ids(await stream.query("g", order_by="n", direction="desc")) == ["a", "c", "b", "d"]
        assert ids(await stream.query("g", {"where": {"n": 1}})) == ["b", "c"]
        assert ids(await stream.query("g", order_by="n", offset=1, limit=2)) == ["b", "c"]
        first = await stream.query("g", order_by="n", limit=3)
        assert first == await stream.query("g", order_by="n", limit=3)
        with pytest.raises(ValueError):
            await stream.query("g", limit=-1)


async def test_change_events_in_order(streams_factory: Factory) -> None:
    async with streams_factory() as writer, streams_factory() as reader:
        group, item = Recorder(), Recorder()
        await reader.stream("s").subscribe({"group_id": "g"}, group)
        await reader.stream("s").subscribe(StreamChannel(group_id="g", item_id="1"), item)
        stream = writer.stream("s")
        await stream.set("g", "1", {"v": 1})
        await stream.set("g", "1", {"v": 2})
        await stream.set("g", "2", {"v": 3})
        await stream.set("other", "1", {"v": 9})
        await writer.stream("s2").set("g", "1", {"v": 9})
        await stream.delete("g", "1")
        await stream.delete("g", "1")
        await stream.set("g", "3", {})
        await stream.clear("g")
        await stream.send({"group_id": "g"}, "ping", {"n": 1})
        await stream.send({"group_id": "g", "item_id": "1"}, "poke")
        expected = [
            ("create", "1"),
            ("update", "1"),
            ("create", "2"),
            ("delete", "1"),
            ("create", "3"),
            ("delete", "2"),
            ("delete", "3"),
            ("event", "ping"),
            ("event", "poke"),
        ]
        await wait_for(lambda: len(group.events) == len(expected), what="group events")
        await wait_for(lambda: len(item.events) == 4, what="item events")
        assert group.kinds() == expected
        assert item.kinds() == [("create", "1"), ("update", "1"), ("delete", "1"), ("event", "poke")]
        assert group.events[1].data == {"v": 2, "id": "1"}
        assert group.events[3].data == {"v": 2, "id": "1"}
        assert group.events[7].data == {"n": 1}
        assert all(e.stream == "s" and e.group_id == "g" for e in group.events)


async def test_many_updates_stay_in_order(streams_factory: Factory) -> None:
    async with streams_factory() as manager:
        seen = Recorder()
        stream = manager.stream("s")
        await stream.subscribe({"group_id": "g", "item_id": "x"}, seen)
        for n in range(50):
            await stream.set("g", "x", {"n": n})
        await wait_for(lambda: len(seen.events) == 50)
        assert [e.data["n"] for e in seen.events] == list(range(50))


async def test_unsubscribe_stops_delivery_and_failing_handler_does_not(streams_factory: Factory) -> None:
    async with streams_factory() as manager:
        stream = manager.stream("s")
        seen = Recorder()
        calls = 0

        async def broken(event: StreamEvent) -> None:
            nonlocal calls
            calls += 1
            raise RuntimeError("handler bug")

        await stream.subscribe({"group_id": "g"}, broken)
        subscription = await stream.subscribe({"group_id": "g"}, seen)
        await stream.set("g", "1", {})
        await wait_for(lambda: len(seen.events) == 1)
        await stream.unsubscribe(subscription)
        await stream.unsubscribe(subscription)
        await stream.set("g", "2", {})
        await wait_for(lambda: calls == 2, what="the broken handler to keep receiving")
        assert len(seen.events) == 1


async def test_replay_is_refused(streams_factory: Factory) -> None:
    async with streams_factory() as manager:
        with pytest.raises(AdapterNotSupportedError, match="REPLAY"):
            await manager.stream("s").subscribe({"group_id": "g"}, Recorder(), replay=True)


async def test_namespaces_isolate_data_and_events(streams_factory: Factory) -> None:
    async with streams_factory() as mine, streams_factory("other-ns") as other:
        seen = Recorder()
        await other.stream("s").subscribe({"group_id": "g"}, seen)
        await mine.stream("s").set("g", "1", {})
        mine_seen = Recorder()
        await mine.stream("s").subscribe({"group_id": "g"}, mine_seen)
        await mine.stream("s").set("g", "2", {})
        await wait_for(lambda: len(mine_seen.events) == 1)
        assert await other.stream("s").get_group("g") == []
        assert seen.events == []


async def test_close_is_final(streams_factory: Factory) -> None:
    manager = streams_factory()
    stream = manager.stream("s")
    seen = Recorder()
    await stream.subscribe({"group_id": "g"}, seen)
    await manager.close()
    await manager.close()
    with pytest.raises(AdapterClosedError):
        await stream.get("g", "1")
    with pytest.raises(AdapterClosedError):
        manager.stream("s")
    async with streams_factory() as again:
        await again.stream("s").set("g", "1", {})
    assert seen.events == []


async def test_handlers_get_private_copies(streams_factory: Factory) -> None:
    async with streams_factory() as manager:
        stream = manager.stream("s")
        received: list[dict[str, Any]] = []

        async def mutate(event: StreamEvent) -> None:
            event.data["mutated"] = True
            received.append(event.data)

        await stream.subscribe({"group_id": "g"}, mutate)
        await stream.subscribe({"group_id": "g"}, mutate)
        await stream.set("g", "1", {"v": 1})
        await wait_for(lambda: len(received) == 2)
        assert received[0] is not received[1]
        assert await stream.get("g", "1") == {"v": 1, "id": "1"}
