"""A dedicated moto server paused, stopped and restarted (empty) underneath the adapter."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from conftest import build_factory
from sqs_helpers import Recorder, eventually, qc

from stepkit.adapters.sqs_events import SqsEventAdapter
from stepkit.conformance.services import ServiceHandle
from stepkit.core import AdapterUnavailableError, Event

TIMEOUT = 2.0
MARGIN = 3.0


async def _unavailable(call: Awaitable[Any], what: str) -> None:
    start = time.monotonic()
    with pytest.raises(AdapterUnavailableError):
        await call
    assert time.monotonic() - start <= TIMEOUT + MARGIN, f"{what} was not bounded by operation_timeout"


async def _recovers(call: Callable[[], Awaitable[Any]], what: str) -> None:
    end = time.monotonic() + 30
    while True:
        try:
            await call()
            return
        except AdapterUnavailableError:
            assert time.monotonic() < end, f"{what}: no recovery within 30s"
            await asyncio.sleep(0.2)


async def _subscriptions(adapter: SqsEventAdapter, topic: str) -> int:
    client = await adapter._sns.get()
    try:
        reply = await client.list_subscriptions_by_topic(TopicArn=await adapter.topology.topic_arn(topic))
    except Exception:  # noqa: BLE001 - the topic is not (yet) there
        return 0
    return len(reply["Subscriptions"])


async def test_bounded_failures_and_self_healing_topology(dedicated_moto: ServiceHandle) -> None:
    created: list[SqsEventAdapter] = []
    build = build_factory(dedicated_moto.endpoint.url, created)
    try:
        member, emitter = build(operation_timeout=TIMEOUT), build(operation_timeout=TIMEOUT)
        mine, theirs = Recorder(), Recorder()
        await member.subscribe("f", "g", mine, qc())
        await emitter.subscribe("f", "own", theirs, qc())
        await emitter.emit(Event(topic="f", data="before"))
        await eventually(lambda: len(mine.successes) == 1 and len(theirs.successes) == 1, "the first event")

        await asyncio.to_thread(dedicated_moto.pause)
        try:
            await _unavailable(emitter.emit(Event(topic="f", data="paused")), "emit on a paused server")
            assert await member.is_healthy() is False
            start = time.monotonic()
            with pytest.raises(AdapterUnavailableError):
                await build(setup_timeout=TIMEOUT).subscribe("f", "paused", Recorder(), qc())
            assert time.monotonic() - start <= TIMEOUT + MARGIN, "subscribe was not bounded by setup_timeout"
        finally:
            await asyncio.to_thread(dedicated_moto.unpause)
        await asyncio.to_thread(dedicated_moto.stop)
        try:
            await _unavailable(emitter.emit(Event(topic="f", data="stopped")), "emit on a stopped server")
            await _unavailable(emitter.subscribe("f", "late", Recorder(), qc()), "subscribe on a stopped server")
            await _unavailable(emitter.dlq_count("f", "g"), "dlq_count on a stopped server")
        finally:
            await asyncio.to_thread(dedicated_moto.start)

        # The restarted moto is empty: each consumer re-creates its queue and subscription by itself.
        end = time.monotonic() + 30
        while await _subscriptions(member, "f") < 2:
            assert time.monotonic() < end, "the consumers did not re-create their subscriptions"
            await asyncio.sleep(0.2)
        # ...so an emit after the restart reaches both groups.
        after = Event(topic="f", data="after")
        await _recovers(lambda: emitter.emit(after), "emit after the restart")
        await eventually(lambda: after.message_id in {e.message_id for e in mine.successes}, "the member's copy", 20)
        await eventually(lambda: after.message_id in {e.message_id for e in theirs.successes}, "the emitter's copy", 20)
        assert await member.is_healthy() is True
    finally:
        for adapter in created:
            await adapter.close()
