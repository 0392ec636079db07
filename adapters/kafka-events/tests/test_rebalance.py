"""Rebalances under load against the real broker: members join and leave while events flow."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from stepkit.core import Event, QueueConfig

AdapterFactory = Callable[..., Any]
Eventually = Callable[..., Awaitable[None]]


async def test_members_join_and_leave_while_events_flow(make_adapter: AdapterFactory, eventually: Eventually) -> None:
    """Every event is handled, and none twice, while the group rebalances three times."""
    emitter, first, second, third = make_adapter(), make_adapter(), make_adapter(), make_adapter()
    handled: Counter[str] = Counter()

    async def handler(event: Event) -> None:
        await asyncio.sleep(0.01)
        handled[event.message_id] += 1

    config = QueueConfig(concurrency=3)
    await first.subscribe("flow", "g", handler, config)
    events = [Event(topic="flow", data=n) for n in range(90)]

    async def emit_all() -> None:
        for index, event in enumerate(events):
            await emitter.emit(event)
            if index % 10 == 0:
                await asyncio.sleep(0.05)

    emitting = asyncio.create_task(emit_all())
    await asyncio.sleep(0.3)
    await second.subscribe("flow", "g", handler, config)
    await asyncio.sleep(0.6)
    await third.subscribe("flow", "g", handler, config)
    await asyncio.sleep(0.6)
    await first.close()
    await emitting
    await eventually(lambda: len(handled) >= len(events), timeout=30, what="every event despite rebalances")
    await asyncio.sleep(0.5)
    assert set(handled) == {e.message_id for e in events}
    twice = {m: c for m, c in handled.items() if c > 1}
    assert not twice, f"handled more than once across rebalances: {len(twice)} events"
