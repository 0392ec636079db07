"""Delivery rules 1-3: fan-out, competing consumers, at-least-once, poisoned events."""

from __future__ import annotations

import asyncio

import pytest

from stepkit.conformance.harness import Harness, eventually, scenario
from stepkit.conformance.suites.events.support import (
    SETTLE,
    Recorder,
    assert_exactly_once,
    config,
    make_events,
)

pytestmark = pytest.mark.events


@pytest.mark.core
@pytest.mark.clause("events.fanout")
@scenario
async def test_events_fanout_to_every_group(harness: Harness) -> None:
    adapter = await harness.events()
    first, second = Recorder(), Recorder()
    await adapter.subscribe("orders", "billing", first, config())
    await adapter.subscribe("orders", "shipping", second, config())
    events = make_events("orders", 6)
    for event in events:
        await adapter.emit(event)
    await eventually(lambda: len(first.successes) >= 6 and len(second.successes) >= 6, "fan-out to both groups")
    await asyncio.sleep(SETTLE)
    assert_exactly_once(first, events, "group billing")
    assert_exactly_once(second, events, "group shipping")


@pytest.mark.multi
@pytest.mark.clause("events.fanout.no_local_subscriber")
@scenario
async def test_events_fanout_from_instance_without_subscriber(harness: Harness) -> None:
    members = [await harness.events() for _ in range(2)]
    emitter = await harness.events()
    recorders = [Recorder(), Recorder()]
    await members[0].subscribe("t", "g1", recorders[0], config())
    await members[1].subscribe("t", "g2", recorders[1], config())
    events = make_events("t", 5)
    for event in events:
        await emitter.emit(event)
    await eventually(lambda: all(len(r.successes) >= 5 for r in recorders), "events from a subscriber-less instance")
    await asyncio.sleep(SETTLE)
    assert_exactly_once(recorders[0], events, "group g1")
    assert_exactly_once(recorders[1], events, "group g2")


@pytest.mark.multi
@pytest.mark.clause("events.competing_consumers")
@scenario
async def test_events_competing_consumers_each_event_once_per_group(harness: Harness) -> None:
    members = [await harness.events() for _ in range(3)]
    emitter = await harness.events()
    shared = Recorder()
    for member in members:
        await member.subscribe("work", "workers", shared, config(concurrency=2))
    events = make_events("work", 24)
    await asyncio.gather(*(emitter.emit(e) for e in events))
    await eventually(lambda: len(shared.successes) >= 24, "all events handled by the group")
    await asyncio.sleep(SETTLE)
    assert_exactly_once(shared, events, "group 'workers' with 3 members")


@pytest.mark.core
@pytest.mark.clause("events.at_least_once")
@scenario
async def test_events_handler_failure_leads_to_redelivery(harness: Harness) -> None:
    adapter = await harness.events()
    recorder = Recorder(fail=lambda e: e.attempt == 1)
    await adapter.subscribe("retry", "g", recorder, config(max_retries=3))
    events = make_events("retry", 4)
    for event in events:
        await adapter.emit(event)
    await eventually(lambda: len(recorder.successes) >= 4, "redelivery after a raising handler")
    await asyncio.sleep(SETTLE)
    assert_exactly_once(recorder, events, "events whose first delivery failed")
    for event in events:
        attempts = recorder.attempts(event.message_id)
        assert attempts[:2] == [1, 2], f"attempts of a redelivered event must count 1, 2: got {attempts}"


@pytest.mark.multi
@pytest.mark.clause("events.at_least_once")
@scenario
async def test_events_redelivery_reaches_another_member(harness: Harness) -> None:
    members = [await harness.events() for _ in range(2)]
    shared = Recorder(fail=lambda e: e.attempt == 1)
    for member in members:
        await member.subscribe("retry2", "g", shared, config(max_retries=2))
    events = make_events("retry2", 6)
    for event in events:
        await members[0].emit(event)
    await eventually(lambda: len(shared.successes) >= 6, "redelivered events across members")
    await asyncio.sleep(SETTLE)
    assert_exactly_once(shared, events, "redelivered events")


@pytest.mark.core
@pytest.mark.clause("events.poison")
@scenario
async def test_events_poison_does_not_block_queue(harness: Harness) -> None:
    adapter = await harness.events()
    poison = make_events("p", 1, trace_id="poison")[0]
    recorder = Recorder(fail=lambda e: e.trace_id == "poison")
    max_retries = 2
    await adapter.subscribe("p", "g", recorder, config(max_retries=max_retries, concurrency=1))
    await adapter.emit(poison)
    healthy = make_events("p", 5)
    for event in healthy:
        await adapter.emit(event)
    await eventually(lambda: len(recorder.successes) >= 5, "healthy events behind a poisoned one")
    await asyncio.sleep(SETTLE + 0.3)
    assert_exactly_once(recorder, healthy, "healthy events")
    count = recorder.delivery_count(poison.message_id)
    assert 1 <= count <= max_retries + 1, (
        f"a poisoned event was handled {count} times; max_retries={max_retries} allows {max_retries + 1}"
    )
