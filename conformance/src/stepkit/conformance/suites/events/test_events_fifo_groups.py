"""FIFO rule 5, second half: different message groups proceed in parallel."""

from __future__ import annotations

import asyncio

import pytest

from stepkit.conformance.harness import Harness, eventually, scenario
from stepkit.conformance.suites.events.support import SETTLE, Recorder, config
from stepkit.core import Capability, Event

pytestmark = [pytest.mark.events, pytest.mark.core]

PARALLEL_WAIT = 10.0
"""How long the first group-``a`` handler waits for a group-``b`` handler to start."""


@pytest.mark.requires(Capability.FIFO)
@pytest.mark.clause("events.fifo.parallel_groups")
@scenario
async def test_events_fifo_parallel_groups_do_not_block_each_other(harness: Harness) -> None:
    adapter = await harness.events()
    recorder = Recorder(hold=0.01)
    started = {"a": asyncio.Event(), "b": asyncio.Event()}
    stalled: list[str] = []

    async def handler(event: Event) -> None:
        group = event.message_group_id or ""
        started[group].set()
        if group == "a" and (event.data or {}).get("n") == 0:
            try:
                await asyncio.wait_for(started["b"].wait(), PARALLEL_WAIT)
            except TimeoutError:
                stalled.append(event.message_id)
        await recorder(event)

    await adapter.subscribe("fg", "g", handler, config(type="fifo", concurrency=2))
    emitted: dict[str, list[str]] = {"a": [], "b": []}
    for n in range(4):
        for group in ("a", "b"):
            event = Event(topic="fg", data={"n": n}, message_group_id=group)
            emitted[group].append(event.message_id)
            await adapter.emit(event, fifo=True)
    await eventually(lambda: len(recorder.successes) >= 8, "all FIFO events of two groups", timeout=PARALLEL_WAIT + 20)
    await asyncio.sleep(SETTLE)
    assert not stalled, (
        f"with concurrency=2, a handler of message group 'a' waited {PARALLEL_WAIT:g}s for a handler of group 'b' "
        "to start: message groups do not proceed in parallel"
    )
    for group, ids in emitted.items():
        handled = [e.message_id for e in recorder.successes if e.message_group_id == group]
        assert handled == ids, f"message group {group!r} handled out of emit order (or duplicated)"
    assert recorder.max_in_flight_per_group == 1, (
        f"{recorder.max_in_flight_per_group} events of one message group were in flight at once"
    )
