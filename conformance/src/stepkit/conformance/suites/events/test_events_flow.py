"""Delivery rules 6-8: concurrency, visibility, clean stops."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

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


def _handled(recorder: Recorder, count: int) -> Callable[[], bool]:
    return lambda: len(recorder.successes) >= count


@pytest.mark.core
@pytest.mark.clause("events.concurrency")
@scenario
async def test_events_concurrency_never_exceeded(harness: Harness) -> None:
    adapter = await harness.events()
    for limit in (1, 3):
        recorder = Recorder(hold=0.1)
        topic = f"c{limit}"
        await adapter.subscribe(topic, "g", recorder, config(concurrency=limit))
        events = make_events(topic, 8)
        await asyncio.gather(*(adapter.emit(e) for e in events))
        await eventually(_handled(recorder, 8), f"all events with concurrency={limit}")
        assert recorder.max_in_flight <= limit, (
            f"concurrency={limit} but {recorder.max_in_flight} handlers of one subscription ran at once"
        )
        assert_exactly_once(recorder, events, f"events with concurrency={limit}")


@pytest.mark.core
@pytest.mark.clause("events.visibility")
@scenario
async def test_events_long_handler_kept_invisible_or_redelivery_counted(harness: Harness) -> None:
    adapter = await harness.events()
    recorder = Recorder(hold=1.2)
    await adapter.subscribe("vis", "g", recorder, config(visibility_timeout=0.4, max_retries=5))
    event = make_events("vis", 1)[0]
    await adapter.emit(event)
    await eventually(lambda: len(recorder.successes) >= 1, "the long-running handler's completion")
    await asyncio.sleep(SETTLE + 0.5)
    attempts = recorder.attempts(event.message_id)
    assert attempts[0] == 1, f"the first delivery must have attempt 1, got {attempts}"
    assert attempts == sorted(set(attempts)), (
        f"a redelivery after visibility_timeout must be counted (attempt rising): attempts {attempts}"
    )


HOLD = 0.3
"""Seconds each handler of the clean-stop scenario runs."""
SECOND_START = 0.15
"""Seconds (well under ``HOLD``) the scenario waits for a second handler to start alongside the first."""


@pytest.mark.core
@pytest.mark.clause("events.clean_stop")
@scenario
async def test_events_unsubscribe_lets_in_flight_finish(harness: Harness) -> None:
    adapter = await harness.events()
    recorder = Recorder(hold=HOLD)
    subscription = await adapter.subscribe("stop", "g", recorder, config(concurrency=2))
    events = make_events("stop", 2)
    for event in events:
        await adapter.emit(event)
    await eventually(lambda: recorder.in_flight >= 1, "a handler in flight")
    # concurrency is an upper bound: a second handler may start (draining two) or not (one at a time)
    for _ in range(int(SECOND_START / 0.01)):
        if recorder.in_flight >= 2:
            break
        await asyncio.sleep(0.01)
    started = {e.message_id for _, e in recorder.deliveries}
    await adapter.unsubscribe(subscription)
    assert recorder.in_flight == 0, "unsubscribe() returned while handlers were still running"
    cut = started - set(recorder.success_ids())
    assert not cut, f"unsubscribe() cut off {len(cut)} in-flight handler(s) instead of letting them finish"
    await adapter.unsubscribe(subscription)
    if len(started) < len(events):
        again = await adapter.subscribe("stop", "g", recorder, config(concurrency=2))
        await eventually(
            lambda: len(set(recorder.success_ids())) >= len(events),
            "events not yet started at unsubscribe() are handled after the group subscribes again",
        )
        await adapter.unsubscribe(again)
    await asyncio.sleep(SETTLE)
    assert_exactly_once(recorder, events, "events in flight or queued at unsubscribe")


@pytest.mark.multi
@pytest.mark.clause("events.clean_stop")
@scenario
async def test_events_close_loses_nothing(harness: Harness) -> None:
    leaving = await harness.events()
    staying = await harness.events()
    emitter = await harness.events()
    shared = Recorder(hold=0.05)
    await leaving.subscribe("stop2", "g", shared, config(concurrency=1))
    events = make_events("stop2", 10)
    for event in events:
        await emitter.emit(event)
    await eventually(lambda: shared.in_flight == 1, "a handler in flight on the leaving instance")
    await staying.subscribe("stop2", "g", shared, config(concurrency=1))
    await leaving.close()
    harness.forget(leaving)
    assert shared.in_flight <= 1, "close() returned while its handler was still running"
    await eventually(lambda: len(set(shared.success_ids())) >= 10, "every event despite one member closing", timeout=20)
    await asyncio.sleep(SETTLE)
    assert_exactly_once(shared, events, "events around a member's close()")
