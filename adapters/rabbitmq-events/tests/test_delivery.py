"""Delivery rules against the real broker: fan-out, competing consumers, durability, fidelity."""

from __future__ import annotations

import asyncio
from collections import Counter

from stepkit.core import Event, QueueConfig
from stepkit.core.json_codec import json_equal


async def test_fanout_reaches_every_group_from_an_instance_without_subscribers(make_adapter, eventually):
    consumer, emitter = make_adapter(), make_adapter()
    got: dict[str, list[object]] = {"billing": [], "audit": []}

    def recorder(group: str):
        async def handle(event: Event) -> None:
            got[group].append(event.data)

        return handle

    await consumer.subscribe("order.created", "billing", recorder("billing"))
    await consumer.subscribe("order.created", "audit", recorder("audit"))
    for i in range(20):
        await emitter.emit(Event(topic="order.created", data=i))
    await eventually(lambda: len(got["billing"]) == 20 and len(got["audit"]) == 20, what="both groups got all")
    assert sorted(got["billing"]) == sorted(got["audit"]) == list(range(20))


async def test_competing_consumers_handle_each_event_once_per_group(make_adapter, eventually):
    first, second, emitter = make_adapter(), make_adapter(), make_adapter()
    handled: Counter[str] = Counter()
    per_instance: Counter[str] = Counter()

    def handler(instance: str):
        async def handle(event: Event) -> None:
            await asyncio.sleep(0.005)
            handled[event.message_id] += 1
            per_instance[instance] += 1

        return handle

    config = QueueConfig(concurrency=2)
    await first.subscribe("jobs", "worker", handler("first"), config)
    await second.subscribe("jobs", "worker", handler("second"), config)
    ids = []
    for i in range(60):
        event = Event(topic="jobs", data=i)
        ids.append(event.message_id)
        await emitter.emit(event)
    await eventually(lambda: sum(handled.values()) >= 60, what="all handled")
    await asyncio.sleep(0.3)  # room for any duplicate to show up
    assert set(handled) == set(ids)
    assert all(count == 1 for count in handled.values())
    assert per_instance["first"] > 0
    assert per_instance["second"] > 0


async def test_durable_group_receives_events_emitted_while_offline(make_adapter, eventually):
    member, emitter = make_adapter(), make_adapter()
    got: list[object] = []

    async def handle(event: Event) -> None:
        got.append(event.data)

    subscription = await member.subscribe("invoices", "mailer", handle)
    await member.unsubscribe(subscription)
    await member.close()
    for i in range(5):
        await emitter.emit(Event(topic="invoices", data=i))
    returning = make_adapter()
    await returning.subscribe("invoices", "mailer", handle)
    await eventually(lambda: len(got) == 5, what="offline events delivered")
    assert sorted(got) == list(range(5))


async def test_fidelity_of_payload_and_trace_fields(make_adapter, eventually):
    adapter = make_adapter()
    got: list[Event] = []

    async def handle(event: Event) -> None:
        got.append(event)

    await adapter.subscribe("fidelity", "checker", handle)
    data = {
        "big": 10**37,
        "neg": -(10**37) + 1,
        "float": 1.0,
        "negzero": -0.0,
        "text": "nul\u0000 é 😀 \u2028",
        "nested": [None, True, False, [], {}, {"k": [1, 2.5]}],
    }
    sent = Event(
        topic="fidelity",
        data=data,
        trace_id="trace-😀:1",
        message_group_id="group/1",
        traceparent="00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        baggage="userId=alice,serverNode=DF%2028",
    )
    await adapter.emit(sent)
    await eventually(lambda: len(got) == 1, what="delivery")
    received = got[0]
    assert json_equal(received.data, data)
    for field in ("topic", "trace_id", "message_id", "message_group_id", "traceparent", "baggage"):
        assert getattr(received, field) == getattr(sent, field), field
    assert received.attempt == 1


async def test_nasty_topic_names_route_exactly(make_adapter, eventually):
    adapter = make_adapter()
    topics = ["a.b", "a.*", "a.#", "#", "*", "a", "😀 topic", "x" * 256, "x" * 255 + "y", "a:b", "%41"]
    got: dict[str, list[str]] = {topic: [] for topic in topics}

    def recorder(topic: str):
        async def handle(event: Event) -> None:
            got[topic].append(event.topic)

        return handle

    for topic in topics:
        await adapter.subscribe(topic, "same-group-name", recorder(topic))
    for topic in topics:
        await adapter.emit(Event(topic=topic, data=None))
    await eventually(lambda: all(len(v) >= 1 for v in got.values()), what="every topic delivered")
    await asyncio.sleep(0.3)  # room for a wrongly routed copy to arrive
    assert got == {topic: [topic] for topic in topics}


async def test_concurrency_is_never_exceeded(make_adapter, eventually):
    adapter = make_adapter(prefetch=20)
    running = 0
    peak = 0
    done = 0

    async def handle(event: Event) -> None:
        nonlocal running, peak, done
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.01)
        running -= 1
        done += 1

    await adapter.subscribe("busy", "limited", handle, QueueConfig(concurrency=3))
    await asyncio.gather(*(adapter.emit(Event(topic="busy", data=i)) for i in range(40)))
    await eventually(lambda: done == 40, what="all handled")
    assert 1 <= peak <= 3


async def test_dlq_count_of_unknown_group_is_zero(make_adapter):
    adapter = make_adapter()
    assert await adapter.dlq_count("never", "subscribed") == 0
    assert await adapter.redrive_dlq("never", "subscribed") == 0
