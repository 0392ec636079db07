"""Fault tier: the broker is paused and restarted underneath the adapter."""

from __future__ import annotations

import asyncio

import pytest

from stepkit.conformance.harness import Harness, eventually, scenario
from stepkit.conformance.suites.common import bounded_unavailable, recovers
from stepkit.conformance.suites.events.support import SETTLE, Recorder, assert_exactly_once, config, make_events
from stepkit.conformance.suites.faults import paused, require_data_kept_on_restart, stopped
from stepkit.core import Capability, Event

pytestmark = [pytest.mark.events, pytest.mark.fault]


@pytest.mark.clause("events.fault")
@scenario
async def test_events_dead_broker_fails_in_bounded_time_and_recovers(harness: Harness) -> None:
    adapter = await harness.events()
    recorder = Recorder()
    await adapter.subscribe("f", "g", recorder, config())
    timeout = harness.operation_timeout
    async with paused(harness):
        await bounded_unavailable(
            adapter.emit(Event(topic="f", data="lost?")), timeout, "emit() with the broker paused"
        )
        assert await adapter.is_healthy() is False, "is_healthy() is True with the broker paused"
    async with stopped(harness):
        await bounded_unavailable(adapter.emit(Event(topic="f", data="x")), timeout, "emit() with the broker stopped")
    after = Event(topic="f", data="after")
    await recovers(lambda: adapter.emit(after), "emit() after restart")
    await eventually(
        lambda: after.message_id in recorder.success_ids(),
        "delivery after restart (resubscribed by the adapter itself)",
        timeout=30,
    )


@pytest.mark.requires(Capability.DURABLE)
@pytest.mark.clause("events.fault.durable")
def test_events_durable_events_survive_broker_restart(harness: Harness) -> None:
    require_data_kept_on_restart(harness)
    harness.run(_durable_events_survive_broker_restart(harness))


async def _durable_events_survive_broker_restart(harness: Harness) -> None:
    member = await harness.events()
    sub = await member.subscribe("fd", "g", Recorder(), config())
    await member.unsubscribe(sub)
    emitter = await harness.events()
    events = make_events("fd", 5)
    for event in events:
        await emitter.emit(event)
    async with stopped(harness):
        await asyncio.sleep(0.2)
    recorder = Recorder()
    returning = await harness.events()
    await recovers(lambda: returning.subscribe("fd", "g", recorder, config()), "subscribe() after restart")
    await eventually(lambda: len(recorder.successes) >= 5, "durable events after a broker restart", timeout=30)
    await asyncio.sleep(SETTLE)
    assert_exactly_once(recorder, events, "durable events across a broker restart")
