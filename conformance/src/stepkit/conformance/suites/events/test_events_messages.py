"""Fidelity, identifiers, namespaces and lifecycle of event adapters."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import pytest

from stepkit.conformance.harness import Harness, eventually, new_namespace, scenario
from stepkit.conformance.strategies import LONGEST_IDENTIFIER, NASTY_IDENTIFIERS
from stepkit.conformance.suites.common import assert_json_equal
from stepkit.conformance.suites.events.support import SETTLE, Recorder, config
from stepkit.core import AdapterClosedError, Event

pytestmark = pytest.mark.events

PAYLOADS: list[Any] = [
    None,
    True,
    0,
    -0.0,
    1.0,
    1,
    10**38 - 1,
    -(10**38) + 1,
    5e-324,
    "",
    "\u0000",
    "🦄 ünïcode",
    [],
    {"nested": {"list": [1, 2.5, None, "x"], "empty": {}}, "": "empty key"},
    "x" * 10_000,
]


@pytest.mark.core
@pytest.mark.clause("events.fidelity")
@scenario
async def test_events_fidelity_every_field_roundtrips(harness: Harness) -> None:
    adapter = await harness.events()
    recorder = Recorder()
    await adapter.subscribe("fid", "g", recorder, config())
    sent = [
        Event(
            topic="fid",
            data=payload,
            trace_id=f"trace-{n}-🦄",
            message_group_id="mg:1" if n % 2 else None,
            traceparent=f"00-{n:032x}-{n + 1:016x}-01",
            baggage=f"k{n}=v{n},userId=alice",
        )
        for n, payload in enumerate(PAYLOADS)
    ]
    for event in sent:
        await adapter.emit(event)
    await eventually(lambda: len(recorder.successes) >= len(sent), "every emitted event")
    received = {e.message_id: e for e in recorder.successes}
    for event in sent:
        got = received.get(event.message_id)
        assert got is not None, f"message_id {event.message_id} did not survive delivery"
        assert_json_equal(got.data, event.data, f"payload of {event.message_id}")
        for name in ("topic", "trace_id", "message_group_id", "traceparent", "baggage"):
            assert getattr(got, name) == getattr(event, name), f"{name}: got {getattr(got, name)!r}"
        assert got.attempt == 1


@pytest.mark.core
@pytest.mark.clause("events.identifiers")
@scenario
async def test_events_identifiers_invalid_and_never_collide(harness: Harness) -> None:
    adapter = await harness.events()
    for bad in ("", "x" * 257):
        with pytest.raises(ValueError):
            await adapter.subscribe(bad, "g", Recorder())
        with pytest.raises(ValueError):
            await adapter.subscribe("t", bad, Recorder())
        with pytest.raises(ValueError):
            await adapter.emit(Event(topic=bad))
    pool = [*NASTY_IDENTIFIERS[:8], LONGEST_IDENTIFIER]
    recorders: dict[tuple[str, str], Recorder] = {}
    for topic, subscriber in itertools.product(pool[:5], pool[:4]):
        recorders[(topic, subscriber)] = Recorder()
        await adapter.subscribe(topic, subscriber, recorders[(topic, subscriber)], config())
    for topic in pool:
        await adapter.emit(Event(topic=topic, data=topic))
    await eventually(lambda: all(len(r.successes) >= 1 for r in recorders.values()), "one event per subscription")
    await asyncio.sleep(SETTLE)
    for (topic, subscriber), recorder in recorders.items():
        got = [e.data for e in recorder.successes]
        assert got == [topic], f"subscription ({topic!r}, {subscriber!r}) received {got!r}: identifiers collided"


@pytest.mark.multi
@pytest.mark.clause("events.namespaces")
@scenario
async def test_events_namespaces_are_isolated(harness: Harness) -> None:
    mine = await harness.events()
    theirs = await harness.events(new_namespace())
    recorder = Recorder()
    await mine.subscribe("t", "g", recorder, config())
    await theirs.subscribe("t", "g", Recorder(), config())
    await theirs.emit(Event(topic="t", data="theirs"))
    await mine.emit(Event(topic="t", data="mine"))
    await eventually(lambda: len(recorder.successes) >= 1, "my own event")
    await asyncio.sleep(SETTLE)
    assert [e.data for e in recorder.successes] == ["mine"], "an event from another namespace arrived"


@pytest.mark.core
@pytest.mark.clause("events.lifecycle")
@scenario
async def test_events_close_is_idempotent_and_final(harness: Harness) -> None:
    adapter = await harness.events()
    async with adapter:
        await adapter.subscribe("l", "g", Recorder(), config())
    await adapter.close()
    with pytest.raises(AdapterClosedError):
        await adapter.emit(Event(topic="l"))
    clone = type(adapter).from_config(adapter.config.model_dump())
    assert clone.config == adapter.config, "an adapter rebuilt from its config dump has another config"
    await clone.close()
    with pytest.raises(AdapterClosedError):
        await adapter.subscribe("l", "g", Recorder())
