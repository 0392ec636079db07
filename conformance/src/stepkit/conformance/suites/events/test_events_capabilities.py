"""Capability clauses: DLQ, DURABLE, FIFO, DELAY, each proved when declared and refused when not."""

from __future__ import annotations

import asyncio
import time

import pytest

from stepkit.conformance.harness import Harness, eventually, scenario
from stepkit.conformance.suites.events.support import (
    SETTLE,
    Recorder,
    assert_exactly_once,
    config,
    make_events,
)
from stepkit.core import AdapterNotSupportedError, Capability, Event, InvalidEventError, QueueConfig

pytestmark = pytest.mark.events


# -- DLQ ---------------------------------------------------------------------------------
@pytest.mark.core
@pytest.mark.requires(Capability.DLQ)
@pytest.mark.clause("events.dlq")
@scenario
async def test_events_dlq_after_max_retries_and_redrive(harness: Harness) -> None:
    adapter = await harness.events()
    broken = {"on": True}
    poison = make_events("d", 1, trace_id="poison")[0]
    recorder = Recorder(fail=lambda e: broken["on"] and e.trace_id == "poison")
    max_retries = 2
    await adapter.subscribe("d", "g", recorder, config(max_retries=max_retries))
    await adapter.emit(poison)
    healthy = make_events("d", 3)
    for event in healthy:
        await adapter.emit(event)
    counts: list[int] = []

    async def dead_lettered() -> None:
        while True:
            counts.append(await adapter.dlq_count("d", "g"))
            if counts[-1] >= 1:
                return
            await asyncio.sleep(0.05)

    scope = asyncio.timeout(15)
    try:
        async with scope:
            await dead_lettered()
    except TimeoutError:
        if not scope.expired():
            raise
        raise AssertionError(
            f"the poisoned event was not dead-lettered within 15s (dlq_count: {counts[-1:]})"
        ) from None
    await asyncio.sleep(SETTLE)
    assert await adapter.dlq_count("d", "g") == 1, "exactly the poisoned event is dead-lettered"
    assert recorder.delivery_count(poison.message_id) == max_retries + 1, (
        f"a poisoned event must be handled max_retries + 1 = {max_retries + 1} times before the DLQ; "
        f"it was handled {recorder.delivery_count(poison.message_id)} times"
    )
    assert_exactly_once(recorder, healthy, "healthy events next to a dead-lettered one")
    assert await adapter.dlq_count("d", "other-group") == 0
    broken["on"] = False
    assert await adapter.redrive_dlq("d", "g") == 1, "redrive_dlq returns how many events it moved"
    await eventually(lambda: poison.message_id in recorder.success_ids(), "the redriven event")
    assert await adapter.dlq_count("d", "g") == 0, "the DLQ is empty after redrive"
    redriven = next(e for e in recorder.successes if e.message_id == poison.message_id)
    assert redriven.data == poison.data, "a redriven event changed its payload"
    assert redriven.trace_id == "poison", "a redriven event changed its trace_id"


@pytest.mark.core
@pytest.mark.refuses(Capability.DLQ)
@pytest.mark.clause("events.dlq")
@scenario
async def test_events_dlq_refused_when_not_declared(harness: Harness) -> None:
    adapter = await harness.events()
    with pytest.raises(AdapterNotSupportedError):
        await adapter.dlq_count("d", "g")
    with pytest.raises(AdapterNotSupportedError):
        await adapter.redrive_dlq("d", "g")


# -- DURABLE -----------------------------------------------------------------------------
@pytest.mark.multi
@pytest.mark.requires(Capability.DURABLE)
@pytest.mark.clause("events.durable")
@scenario
async def test_events_durable_while_group_offline(harness: Harness) -> None:
    first = await harness.events()
    emitter = await harness.events()
    early = Recorder()
    subscription = await first.subscribe("dur", "g", early, config())
    await first.unsubscribe(subscription)
    await first.close()
    harness.forget(first)
    events = make_events("dur", 4)
    for event in events:
        await emitter.emit(event)
    await asyncio.sleep(SETTLE)
    assert early.successes == [], "an unsubscribed member kept receiving events"
    late = Recorder()
    returning = await harness.events()
    await returning.subscribe("dur", "g", late, config())
    await eventually(lambda: len(late.successes) >= 4, "events emitted while the group was offline")
    await asyncio.sleep(SETTLE)
    assert_exactly_once(late, events, "events emitted while the group was offline")


# -- FIFO --------------------------------------------------------------------------------
@pytest.mark.core
@pytest.mark.requires(Capability.FIFO)
@pytest.mark.clause("events.fifo")
@scenario
async def test_events_fifo_one_at_a_time_in_order_across_retries(harness: Harness) -> None:
    adapter = await harness.events()
    retried: set[str] = set()

    def fail_once(event: Event) -> bool:
        if (event.data or {}).get("n") in (2, 5) and event.message_id not in retried:
            retried.add(event.message_id)
            return True
        return False

    recorder = Recorder(fail=fail_once, hold=0.02)
    await adapter.subscribe("f", "g", recorder, config(type="fifo", concurrency=4, max_retries=3))
    emitted: dict[str, list[str]] = {"x": [], "y": []}
    for n in range(8):
        for group in ("x", "y"):
            event = Event(topic="f", data={"n": n}, message_group_id=group)
            emitted[group].append(event.message_id)
            await adapter.emit(event, fifo=True)
    await eventually(lambda: len(recorder.successes) >= 16, "all FIFO events", timeout=20)
    await asyncio.sleep(SETTLE)
    for group, ids in emitted.items():
        handled = [e.message_id for e in recorder.successes if e.message_group_id == group]
        assert handled == ids, f"message group {group!r} handled out of emit order (or duplicated) across retries"
    assert recorder.max_in_flight_per_group == 1, (
        f"{recorder.max_in_flight_per_group} events of one message group were in flight at once"
    )


@pytest.mark.core
@pytest.mark.requires(Capability.FIFO)
@pytest.mark.clause("events.fifo")
@scenario
async def test_events_fifo_emit_without_group_id_rejected(harness: Harness) -> None:
    adapter = await harness.events()
    recorder = Recorder()
    await adapter.subscribe("f2", "g", recorder, config(type="fifo"))
    with pytest.raises(InvalidEventError):
        await adapter.emit(Event(topic="f2", data=1), fifo=True)
    marker = Event(topic="f2", data=2, message_group_id="m")
    await adapter.emit(marker, fifo=True)
    await eventually(lambda: len(recorder.successes) >= 1, "the valid FIFO event")
    await asyncio.sleep(SETTLE)
    assert recorder.success_ids() == [marker.message_id], "a rejected FIFO emit was delivered"


@pytest.mark.core
@pytest.mark.refuses(Capability.FIFO)
@pytest.mark.clause("events.fifo")
@scenario
async def test_events_fifo_refused_when_not_declared(harness: Harness) -> None:
    adapter = await harness.events()
    recorder = Recorder()
    with pytest.raises(AdapterNotSupportedError):
        await adapter.subscribe("f", "g", recorder, QueueConfig(type="fifo"))
    await adapter.subscribe("f", "g2", recorder, config())
    with pytest.raises(AdapterNotSupportedError):
        await adapter.emit(Event(topic="f", data=1, message_group_id="m"), fifo=True)
    await asyncio.sleep(SETTLE)
    assert recorder.deliveries == [], "a refused FIFO emit was delivered"


# -- DELAY -------------------------------------------------------------------------------
@pytest.mark.core
@pytest.mark.requires(Capability.DELAY)
@pytest.mark.clause("events.delay")
@scenario
async def test_events_delay_postpones_delivery(harness: Harness) -> None:
    adapter = await harness.events()
    recorder = Recorder()
    delay = 1.0
    await adapter.subscribe("late", "g", recorder, config(delay_seconds=delay))
    emitted_at = time.monotonic()
    await adapter.emit(Event(topic="late", data=1))
    await eventually(lambda: len(recorder.successes) >= 1, "the delayed event", timeout=delay + 10)
    waited = recorder.deliveries[0][0] - emitted_at
    assert waited >= delay * 0.9, f"delay_seconds={delay} but the event arrived after {waited:.2f}s"


@pytest.mark.core
@pytest.mark.refuses(Capability.DELAY)
@pytest.mark.clause("events.delay")
@scenario
async def test_events_delay_refused_when_not_declared(harness: Harness) -> None:
    adapter = await harness.events()
    with pytest.raises(AdapterNotSupportedError):
        await adapter.subscribe("late", "g", Recorder(), QueueConfig(delay_seconds=1))
