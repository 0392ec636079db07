"""Kafka-specific delivery against the real broker: start position, commits, retry lane, DLQ, FIFO lanes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from stepkit.core import Backoff, Event, QueueConfig

AdapterFactory = Callable[..., Any]
Eventually = Callable[..., Awaitable[None]]
FAST = Backoff(initial_seconds=0.05, multiplier=1.0, max_seconds=0.05, jitter=0.0)


def fast(**overrides: object) -> QueueConfig:
    return QueueConfig(**{"backoff": FAST, **overrides})


async def test_new_group_starts_after_batched_history(make_adapter: AdapterFactory, eventually: Eventually) -> None:
    """A group never sees events from before its first subscribe, even after batched produces (Tansu quirk)."""
    adapter = make_adapter()
    await asyncio.gather(*(adapter.emit(Event(topic="hist", data={"old": n})) for n in range(40)))
    seen: list[Event] = []

    async def handler(event: Event) -> None:
        seen.append(event)

    await adapter.subscribe("hist", "late", handler, fast())
    fresh = [Event(topic="hist", data={"new": n}) for n in range(5)]
    for event in fresh:
        await adapter.emit(event)
    await eventually(lambda: len(seen) >= 5, what="events emitted after subscribe")
    await asyncio.sleep(0.5)
    assert sorted(e.message_id for e in seen) == sorted(e.message_id for e in fresh)


async def test_unfinished_handler_is_not_committed(make_adapter: AdapterFactory, eventually: Eventually) -> None:
    """A handler cut off by the drain bound leaves its offset uncommitted: the group gets the event again."""
    adapter = make_adapter(drain_timeout=0.2)
    calls: list[int] = []
    release = asyncio.Event()

    async def handler(event: Event) -> None:
        calls.append(event.attempt)
        if len(calls) == 1:
            await release.wait()

    subscription = await adapter.subscribe("cut", "g", handler, fast())
    event = Event(topic="cut", data="x")
    await adapter.emit(event)
    await eventually(lambda: len(calls) == 1, what="first delivery")
    await adapter.unsubscribe(subscription)
    await adapter.subscribe("cut", "g", handler, fast())
    await eventually(lambda: len(calls) == 2, what="redelivery of the uncommitted event")


async def test_finished_events_are_committed_across_restarts(
    make_adapter: AdapterFactory, eventually: Eventually
) -> None:
    """Events handled before unsubscribe are not handled again by a later member of the group."""
    first, second = make_adapter(), make_adapter()
    seen: list[str] = []

    async def handler(event: Event) -> None:
        seen.append(event.message_id)

    subscription = await first.subscribe("done", "g", handler, fast())
    events = [Event(topic="done", data=n) for n in range(6)]
    for event in events:
        await first.emit(event)
    await eventually(lambda: len(seen) >= 6, what="first batch")
    await first.unsubscribe(subscription)
    await second.subscribe("done", "g", handler, fast())
    late = Event(topic="done", data="late")
    await second.emit(late)
    await eventually(lambda: late.message_id in seen, what="event after the member change")
    await asyncio.sleep(0.5)
    assert sorted(seen) == sorted([e.message_id for e in events] + [late.message_id])


async def test_retry_lane_then_dlq_then_redrive(make_adapter: AdapterFactory, eventually: Eventually) -> None:
    adapter = make_adapter()
    attempts: list[int] = []
    healthy = asyncio.Event()

    async def handler(event: Event) -> None:
        attempts.append(event.attempt)
        if not healthy.is_set():
            raise RuntimeError("poisoned for now")

    await adapter.subscribe("dl", "g", handler, fast(max_retries=2))
    await adapter.emit(Event(topic="dl", data={"p": 1}))
    await eventually(lambda: len(attempts) >= 3, what="max_retries + 1 deliveries")
    counts: list[int] = []

    async def dead_lettered() -> None:
        while not counts or counts[-1] < 1:
            counts.append(await adapter.dlq_count("dl", "g"))
            await asyncio.sleep(0.05)

    await asyncio.wait_for(dead_lettered(), 20)
    assert attempts == [1, 2, 3]
    healthy.set()
    assert await adapter.redrive_dlq("dl", "g") == 1
    assert await adapter.dlq_count("dl", "g") == 0
    await eventually(lambda: len(attempts) == 4, what="redriven event")
    assert attempts[-1] == 1, "a redriven event starts counting attempts again"
    assert await adapter.redrive_dlq("dl", "g") == 0


async def test_fifo_lane_keeps_order_across_retries(make_adapter: AdapterFactory, eventually: Eventually) -> None:
    adapter = make_adapter()
    order: list[tuple[str, int]] = []

    async def handler(event: Event) -> None:
        order.append((event.data["g"], event.data["n"]))
        if event.data["n"] == 1 and event.attempt == 1:
            raise RuntimeError("first try of n=1 fails")

    await adapter.subscribe("ff", "g", handler, fast(type="fifo", concurrency=4))
    for n in range(4):
        for group in ("a", "b"):
            await adapter.emit(Event(topic="ff", data={"g": group, "n": n}, message_group_id=group), fifo=True)
    await eventually(lambda: len(order) >= 10, what="all events, two retried")
    for group in ("a", "b"):
        assert [n for g, n in order if g == group] == [0, 1, 1, 2, 3]


async def test_redrive_moves_every_dead_letter_once(make_adapter: AdapterFactory, eventually: Eventually) -> None:
    adapter = make_adapter()
    handled: list[str] = []
    healthy = asyncio.Event()

    async def handler(event: Event) -> None:
        if not healthy.is_set():
            raise RuntimeError("down")
        handled.append(event.message_id)

    await adapter.subscribe("many", "g", handler, fast(max_retries=0))
    events = [Event(topic="many", data=n) for n in range(7)]
    await asyncio.gather(*(adapter.emit(event) for event in events))

    counts = [0]

    async def all_dead() -> None:
        while counts[-1] < len(events):
            counts.append(await adapter.dlq_count("many", "g"))
            await asyncio.sleep(0.05)

    await asyncio.wait_for(all_dead(), 20)
    assert counts[-1] == len(events)
    healthy.set()
    assert await adapter.redrive_dlq("many", "g") == len(events)
    await eventually(lambda: len(handled) >= len(events), what="every redriven event")
    await asyncio.sleep(0.3)
    assert sorted(handled) == sorted(e.message_id for e in events)
    assert await adapter.dlq_count("many", "g") == 0
