"""Change events: create/update/delete/custom, across instances, in order per item, unsubscribe."""

from __future__ import annotations

import asyncio

import pytest

from stepkit.conformance.harness import Harness, eventually, scenario
from stepkit.core import AdapterNotSupportedError, Capability, StreamAdapter, StreamEvent

pytestmark = pytest.mark.streams


class Inbox:
    """Collects stream events delivered to one subscription."""

    def __init__(self) -> None:
        self.events: list[StreamEvent] = []

    async def __call__(self, event: StreamEvent) -> None:
        self.events.append(event)

    def of(self, item_id: str) -> list[tuple[str, object]]:
        return [
            (e.type, (e.data or {}).get("v") if isinstance(e.data, dict) else e.data)
            for e in self.events
            if e.item_id == item_id
        ]


async def _subscribe(stream: StreamAdapter, group: str, item: str | None = None) -> Inbox:
    inbox = Inbox()
    await stream.subscribe({"group_id": group, "item_id": item}, inbox)
    return inbox


@pytest.mark.core
@pytest.mark.clause("streams.events.change")
@scenario
async def test_streams_change_events_create_update_delete(harness: Harness) -> None:
    stream = (await harness.streams()).stream("ev")
    group = await _subscribe(stream, "g")
    item = await _subscribe(stream, "g", "one")
    await stream.set("g", "one", {"v": 1})
    await stream.set("g", "one", {"v": 2})
    await stream.delete("g", "one")
    await stream.delete("g", "one")
    await stream.set("g", "two", {"v": 3})
    await stream.set("g:x", "one", {"v": 99})
    await stream.send({"group_id": "g"}, "custom", {"hello": "🦄"})
    await eventually(lambda: any(e.type == "event" for e in group.events), "the custom event")
    await stream.clear("g")
    await eventually(lambda: group.of("two")[-1:] == [("delete", 3)], "clear()'s delete event")
    assert group.of("one") == [("create", 1), ("update", 2), ("delete", 2)], f"events of 'one': {group.of('one')}"
    assert item.of("one") == [("create", 1), ("update", 2), ("delete", 2)], "item channel events"
    assert item.of("two") == [], "an item channel received another item's events"
    custom = [e for e in group.events if e.type == "event"]
    assert len(custom) == 1
    assert custom[0].name == "custom"
    assert custom[0].data == {"hello": "🦄"}
    assert all(e.group_id == "g" and e.stream == "ev" for e in group.events), "an event of another group arrived"
    deleted = next(e for e in group.events if e.type == "delete" and e.item_id == "one")
    assert deleted.data == {"v": 2, "id": "one"}, "a delete event carries the removed item"


@pytest.mark.multi
@pytest.mark.clause("streams.events.cross_instance")
@scenario
async def test_streams_events_from_any_instance_in_order_per_item(harness: Harness) -> None:
    watcher = (await harness.streams()).stream("x")
    writers = [(await harness.streams()).stream("x") for _ in range(2)]
    inbox = await _subscribe(watcher, "g")
    updates = 15

    async def write(item: str, writer: StreamAdapter) -> None:
        for n in range(updates):
            await writer.set("g", item, {"v": n})

    await asyncio.gather(write("p", writers[0]), write("q", writers[1]))
    await writers[1].send({"group_id": "g", "item_id": "p"}, "ping", 1)
    await eventually(
        lambda: len(inbox.of("p")) >= updates + 1 and len(inbox.of("q")) >= updates,
        "every change event from the other instances",
    )
    expected = [("create", 0)] + [("update", n) for n in range(1, updates)]
    assert inbox.of("q") == expected, f"events of 'q' out of order or lost: {inbox.of('q')}"
    assert inbox.of("p")[:updates] == expected, f"events of 'p' out of order or lost: {inbox.of('p')}"


@pytest.mark.core
@pytest.mark.clause("streams.events.unsubscribe")
@scenario
async def test_streams_unsubscribe_stops_delivery(harness: Harness) -> None:
    stream = (await harness.streams()).stream("u")
    other = (await harness.streams()).stream("u")
    gone = Inbox()
    subscription = await stream.subscribe({"group_id": "g"}, gone)
    sentinel = await _subscribe(stream, "g")
    await other.set("g", "before", {"v": 0})
    await eventually(lambda: len(gone.events) == 1, "the event before unsubscribe")
    await stream.unsubscribe(subscription)
    await stream.unsubscribe(subscription)
    await other.set("g", "after", {"v": 1})
    await other.send({"group_id": "g"}, "custom", None)
    await eventually(lambda: len(sentinel.events) == 3, "the events after unsubscribe, on a sentinel subscription")
    await asyncio.sleep(0.05)
    assert [e.item_id for e in gone.events] == ["before"], f"events arrived after unsubscribe: {gone.events}"


@pytest.mark.core
@pytest.mark.requires(Capability.REPLAY)
@pytest.mark.clause("streams.replay")
@scenario
async def test_streams_replay_delivers_history(harness: Harness) -> None:
    stream = (await harness.streams()).stream("r")
    await stream.set("g", "i", {"v": 1})
    await stream.set("g", "i", {"v": 2})
    inbox = Inbox()
    await stream.subscribe({"group_id": "g"}, inbox, replay=True)
    await eventually(lambda: len(inbox.of("i")) >= 2, "replayed history")
    assert inbox.of("i")[:2] == [("create", 1), ("update", 2)], f"replayed history: {inbox.of('i')}"


@pytest.mark.core
@pytest.mark.refuses(Capability.REPLAY)
@pytest.mark.clause("streams.replay")
@scenario
async def test_streams_replay_refused_when_not_declared(harness: Harness) -> None:
    stream = (await harness.streams()).stream("r")
    inbox = Inbox()
    with pytest.raises(AdapterNotSupportedError):
        await stream.subscribe({"group_id": "g"}, inbox, replay=True)
    await stream.set("g", "i", {"v": 1})
    await asyncio.sleep(0.1)
    assert inbox.events == [], "a refused replay subscription still receives events"
