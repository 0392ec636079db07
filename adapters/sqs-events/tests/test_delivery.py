"""Delivery through SNS and SQS on a real moto server: what is specific to this adapter."""

from __future__ import annotations

import asyncio

import pytest
from sqs_helpers import AdapterFactory, Recorder, eventually, qc

from stepkit.core import Event, InvalidEventError, ValueTooLargeError


async def test_event_roundtrips_and_is_deleted(make_adapter: AdapterFactory) -> None:
    adapter = make_adapter()
    recorder = Recorder()
    await adapter.subscribe("t", "g", recorder, qc())
    sent = Event(topic="t", data={"n": [1, 2.5, None]}, trace_id="tr", traceparent="00-a-b-01", baggage="k=v")
    await adapter.emit(sent)
    await eventually(lambda: len(recorder.successes) == 1, "the event")
    got = recorder.successes[0]
    assert got.model_dump(exclude={"attempt"}) == sent.model_dump(exclude={"attempt"})
    assert got.attempt == 1
    await asyncio.sleep(0.5)
    assert len(recorder.deliveries) == 1, "an acknowledged event came again"


async def test_standard_emit_reaches_fifo_and_standard_groups(make_adapter: AdapterFactory) -> None:
    adapter = make_adapter()
    fifo, standard = Recorder(), Recorder()
    await adapter.subscribe("mixed", "f", fifo, qc(type="fifo"))
    await adapter.subscribe("mixed", "s", standard, qc())
    plain = Event(topic="mixed", data=1)
    ordered = Event(topic="mixed", data=2, message_group_id="m")
    await adapter.emit(plain)
    await adapter.emit(ordered, fifo=True)
    await eventually(lambda: len(fifo.successes) == 2 and len(standard.successes) == 2, "both events in both groups")


async def test_fifo_emit_needs_a_group_id(make_adapter: AdapterFactory) -> None:
    adapter = make_adapter()
    with pytest.raises(InvalidEventError):
        await adapter.emit(Event(topic="t"), fifo=True)


async def test_default_limit_is_sqs_256_kib(make_adapter: AdapterFactory) -> None:
    adapter = make_adapter()
    with pytest.raises(ValueTooLargeError, match="262144"):
        await adapter.emit(Event(topic="t", data="x" * 262_144))


async def test_long_handler_is_kept_invisible(make_adapter: AdapterFactory) -> None:
    adapter = make_adapter()
    recorder = Recorder(hold=2.5)
    await adapter.subscribe("slow", "g", recorder, qc(visibility_timeout=1))
    other = make_adapter()
    rival = Recorder()
    await other.subscribe("slow", "g", rival, qc(visibility_timeout=1))
    await adapter.emit(Event(topic="slow", data=1))
    await eventually(lambda: len(recorder.successes) + len(rival.successes) == 1, "the slow event")
    await asyncio.sleep(1.5)
    attempts = [e.attempt for e in recorder.deliveries + rival.deliveries]
    assert attempts == [1], f"a held event was redelivered: attempts {attempts}"


async def test_failures_back_off_then_dead_letter_and_redrive(make_adapter: AdapterFactory) -> None:
    adapter = make_adapter()
    broken = {"on": True}
    recorder = Recorder(fail=lambda _: broken["on"])
    await adapter.subscribe("d", "g", recorder, qc(max_retries=1))
    event = Event(topic="d", data="poison")
    await adapter.emit(event)
    await eventually(lambda: len(recorder.deliveries) >= 2, "the retry")
    assert [e.attempt for e in recorder.deliveries] == [1, 2]

    async def dead() -> bool:
        return await adapter.dlq_count("d", "g") == 1

    for _ in range(200):
        if await dead():
            break
        await asyncio.sleep(0.05)
    assert await adapter.dlq_count("d", "g") == 1
    assert len(recorder.deliveries) == 2, "max_retries=1 allows 2 deliveries"
    broken["on"] = False
    assert await adapter.redrive_dlq("d", "g") == 1
    await eventually(lambda: len(recorder.successes) == 1, "the redriven event")
    assert recorder.successes[0].attempt == 1, "a redriven event starts its retries again"
    assert await adapter.dlq_count("d", "g") == 0
    assert await adapter.redrive_dlq("d", "g") == 0
    assert await adapter.dlq_count("d", "never-subscribed") == 0


async def test_fifo_dlq_redrive_keeps_the_group(make_adapter: AdapterFactory) -> None:
    adapter = make_adapter()
    broken = {"on": True}
    recorder = Recorder(fail=lambda e: broken["on"] and e.data == "bad")
    await adapter.subscribe("fd", "g", recorder, qc(type="fifo", max_retries=0))
    bad = Event(topic="fd", data="bad", message_group_id="m")
    good = Event(topic="fd", data="good", message_group_id="m")
    await adapter.emit(bad, fifo=True)
    await adapter.emit(good, fifo=True)
    await eventually(lambda: len(recorder.successes) == 1, "the event behind the dead-lettered one", 20)
    assert await adapter.dlq_count("fd", "g") == 1
    broken["on"] = False
    assert await adapter.redrive_dlq("fd", "g") == 1
    await eventually(lambda: len(recorder.successes) == 2, "the redriven FIFO event")
    assert recorder.successes[1].message_group_id == "m"


async def test_unsubscribe_releases_held_fifo_events_to_another_member(make_adapter: AdapterFactory) -> None:
    leaving, staying = make_adapter(), make_adapter()
    first = Recorder(hold=0.5)
    subscription = await leaving.subscribe("lane", "g", first, qc(type="fifo", concurrency=5))
    events = [Event(topic="lane", data=n, message_group_id="m") for n in range(5)]
    for event in events:
        await leaving.emit(event, fifo=True)
    await eventually(lambda: first.in_flight == 1, "a FIFO handler in flight")
    second = Recorder()
    await staying.subscribe("lane", "g", second, qc(type="fifo"))
    await leaving.unsubscribe(subscription)
    assert first.in_flight == 0
    await eventually(lambda: len(first.successes) + len(second.successes) == 5, "every event of the lane", 20)
    handled = [e.data for e in first.successes + second.successes]
    assert handled == list(range(5)), f"FIFO order broken across a member leaving: {handled}"


async def test_durable_while_offline(make_adapter: AdapterFactory) -> None:
    first = make_adapter()
    subscription = await first.subscribe("dur", "g", Recorder(), qc())
    await first.unsubscribe(subscription)
    await first.close()
    emitter = make_adapter()
    events = [Event(topic="dur", data=n) for n in range(3)]
    for event in events:
        await emitter.emit(event)
    recorder = Recorder()
    await make_adapter().subscribe("dur", "g", recorder, qc())
    await eventually(lambda: len(recorder.successes) == 3, "events emitted while the group was offline")


async def test_foreign_message_is_never_handled_and_dead_letters(make_adapter: AdapterFactory) -> None:
    adapter = make_adapter()
    recorder = Recorder()
    await adapter.subscribe("foreign", "g", recorder, qc(max_retries=0))
    url = await adapter.topology.queue_url(adapter.names.group("foreign", "g", False).queue)
    assert url is not None
    client = await adapter._sqs.get()
    await client.send_message(QueueUrl=url, MessageBody="not a stepkit event")
    for _ in range(300):
        if await adapter.dlq_count("foreign", "g") == 1:
            break
        await asyncio.sleep(0.05)
    assert await adapter.dlq_count("foreign", "g") == 1
    assert recorder.deliveries == []
