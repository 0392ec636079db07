"""Lifecycle against real and unreachable brokers: bounded errors, identifiers, health."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from stepkit.adapters.kafka_events import KafkaEventAdapter
from stepkit.core import Event, QueueConfig
from stepkit.core.errors import AdapterUnavailableError

AdapterFactory = Callable[..., Any]
Eventually = Callable[..., Awaitable[None]]


async def test_unreachable_broker_fails_in_bounded_time() -> None:
    adapter = KafkaEventAdapter({"url": "kafka://127.0.0.1:1", "operation_timeout": 1.0, "connect_timeout": 1.0})
    start = time.monotonic()
    with pytest.raises(AdapterUnavailableError):
        await adapter.emit(Event(topic="t", data=1))
    with pytest.raises(AdapterUnavailableError):
        await adapter.subscribe("t", "g", _ignore)
    assert await adapter.is_healthy() is False
    assert time.monotonic() - start < 10
    await adapter.close()
    await adapter.close()


async def _ignore(event: Event) -> None:
    return None


async def test_long_unicode_identifiers_round_trip(make_adapter: AdapterFactory, eventually: Eventually) -> None:
    adapter = make_adapter()
    assert await adapter.is_healthy() is True
    topic, subscriber = "🙂:*?[x]/% " * 25 + "t", "s.b_c~d" * 36
    seen: list[Event] = []

    async def handler(event: Event) -> None:
        seen.append(event)

    await adapter.subscribe(topic[:256], subscriber[:256], handler, QueueConfig())
    event = Event(
        topic=topic[:256], data={"x": "\u0000é", "big": 10**37}, traceparent="00-" + "1" * 32 + "-" + "2" * 16 + "-01"
    )
    await adapter.emit(event)
    await eventually(lambda: len(seen) == 1, what="delivery on long unicode names")
    assert seen[0].data == event.data
    assert seen[0].traceparent == event.traceparent
    assert seen[0].message_id == event.message_id
