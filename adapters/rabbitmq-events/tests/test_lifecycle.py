"""Clean stops, limits, bounded failures, reconnect, registry."""

from __future__ import annotations

import asyncio
import socket

import pytest

from stepkit.adapters.rabbitmq_events import RabbitMQEventAdapter
from stepkit.core import (
    AdapterClosedError,
    AdapterUnavailableError,
    Capability,
    Event,
    QueueConfig,
    ValueTooLargeError,
)
from stepkit.core.registry import adapter_from_env, load_adapter_class


async def test_unsubscribe_lets_in_flight_handler_finish_and_acks_it(make_adapter, eventually):
    adapter = make_adapter()
    started, release = asyncio.Event(), asyncio.Event()
    finished: list[object] = []

    async def handle(event: Event) -> None:
        started.set()
        await release.wait()
        finished.append(event.data)

    subscription = await adapter.subscribe("slow", "drainer", handle)
    await adapter.emit(Event(topic="slow", data="in-flight"))
    await asyncio.wait_for(started.wait(), 20)
    stopping = asyncio.create_task(adapter.unsubscribe(subscription))
    await asyncio.sleep(0.1)
    assert not stopping.done()  # waits for the handler
    release.set()
    await asyncio.wait_for(stopping, 20)
    assert finished == ["in-flight"]
    # The event was acknowledged: a new member of the group does not get it again,
    # but does get a later one.
    again: list[object] = []

    async def record(event: Event) -> None:
        again.append(event.data)

    await adapter.subscribe("slow", "drainer", record)
    await adapter.emit(Event(topic="slow", data="after"))
    await eventually(lambda: again == ["after"], what="only the later event")


async def test_close_drains_and_unfinished_events_are_redelivered(make_adapter, eventually):
    adapter = make_adapter(drain_timeout=0.2, prefetch=5)
    started = asyncio.Event()

    async def stuck(event: Event) -> None:
        started.set()
        await asyncio.sleep(3600)

    await adapter.subscribe("stuck", "group", stuck, QueueConfig(concurrency=1))
    for i in range(3):
        await adapter.emit(Event(topic="stuck", data=i))
    await asyncio.wait_for(started.wait(), 20)
    await asyncio.wait_for(adapter.close(), 20)  # bounded by drain_timeout
    with pytest.raises(AdapterClosedError):
        await adapter.emit(Event(topic="stuck", data="late"))
    got: list[object] = []

    async def record(event: Event) -> None:
        got.append(event.data)

    successor = make_adapter()
    await successor.subscribe("stuck", "group", record)
    await eventually(lambda: sorted(got) == [0, 1, 2], what="unacked events redelivered")


async def test_fifo_failover_to_the_other_instance_keeps_order(make_adapter, eventually):
    first, second = make_adapter(drain_timeout=5), make_adapter()
    got: list[tuple[str, int]] = []
    gate = asyncio.Event()

    def handler(name: str):
        async def handle(event: Event) -> None:
            if name == "first" and event.data == 5:
                await gate.wait()
            got.append((name, event.data))

        return handle

    config = QueueConfig(type="fifo", concurrency=1)
    await first.subscribe("fifo-failover", "g", handler("first"), config)
    await second.subscribe("fifo-failover", "g", handler("second"), config)
    for i in range(20):
        await first.emit(Event(topic="fifo-failover", data=i, message_group_id="k"), fifo=True)
    await eventually(lambda: len(got) == 5, what="first instance active")
    closing = asyncio.create_task(first.close())
    gate.set()
    await closing
    await eventually(lambda: len(got) == 20, what="second instance took over")
    assert [value for _, value in got] == list(range(20))
    assert {name for name, _ in got[6:]} == {"second"}


async def test_oversize_payload_is_refused_before_sending(make_adapter):
    adapter = make_adapter(max_message_bytes=100)
    with pytest.raises(ValueTooLargeError) as info:
        await adapter.emit(Event(topic="big", data="x" * 200))
    assert info.value.limit == 100
    assert not adapter.topology.declared_exchanges  # nothing was even connected


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_unreachable_broker_fails_within_the_timeout():
    adapter = RabbitMQEventAdapter(
        {"url": f"amqp://guest:guest@127.0.0.1:{_closed_port()}/", "operation_timeout": 1.0, "connect_timeout": 1.0}
    )
    try:
        async with asyncio.timeout(10):  # hang guard only
            with pytest.raises(AdapterUnavailableError):
                await adapter.emit(Event(topic="t", data=1))
            with pytest.raises(AdapterUnavailableError):
                await adapter.subscribe("t", "s", _noop)
            with pytest.raises(AdapterUnavailableError):
                await adapter.dlq_count("t", "s")
            assert await adapter.is_healthy() is False
    finally:
        await adapter.close()


async def _noop(event: Event) -> None:
    return None


async def test_reconnects_after_a_broker_restart_without_losing_confirmed_events(stepkit_services, eventually):
    """A dedicated broker is stopped and started under a live subscription: events confirmed
    before the stop and after the restart are delivered; an emit while it is down fails."""
    broker = stepkit_services.get("rabbitmq", dedicated=True)
    adapter = RabbitMQEventAdapter(
        {
            "url": broker.endpoint.url,
            "namespace": "restart",
            "operation_timeout": 3.0,
            "reconnect_interval": 0.2,
            "drain_timeout": 5.0,
        }
    )
    got: list[object] = []

    async def handle(event: Event) -> None:
        got.append(event.data)

    try:
        await adapter.subscribe("robust", "group", handle)
        await adapter.emit(Event(topic="robust", data="before"))
        await eventually(lambda: got == ["before"], what="first delivery")
        await asyncio.to_thread(broker.stop)
        with pytest.raises(AdapterUnavailableError):
            await adapter.emit(Event(topic="robust", data="while-down"))
        await asyncio.to_thread(broker.start)

        async def emit_after_reconnect() -> None:
            while True:
                try:
                    await adapter.emit(Event(topic="robust", data="after"))
                    return
                except AdapterUnavailableError:
                    await asyncio.sleep(0.2)

        await asyncio.wait_for(emit_after_reconnect(), 60)
        await eventually(lambda: "after" in got, what="delivery after reconnect", timeout=60)
        assert "while-down" not in got
    finally:
        await adapter.close()
        await asyncio.to_thread(broker.close)


def test_registry_and_capabilities():
    cls = load_adapter_class("events", "rabbitmq")
    assert cls is RabbitMQEventAdapter
    assert RabbitMQEventAdapter.capabilities == frozenset(
        {Capability.DURABLE, Capability.FIFO, Capability.DLQ, Capability.DELAY, Capability.CROSS_PROCESS}
    )


def test_configuration_from_environment(monkeypatch):
    monkeypatch.setenv("STEPKIT_EVENTS_ADAPTER", "rabbitmq")
    monkeypatch.setenv("STEPKIT_EVENTS_URL", "amqp://u:p@example.invalid:5672/vh")
    monkeypatch.setenv("STEPKIT_EVENTS_NAMESPACE", "shop")
    monkeypatch.setenv("STEPKIT_EVENTS_PREFETCH", "50")
    adapter = adapter_from_env("events")
    assert isinstance(adapter, RabbitMQEventAdapter)
    assert adapter.config.url == "amqp://u:p@example.invalid:5672/vh"
    assert adapter.config.prefetch == 50
    assert adapter.names.exchange == "stepkit:shop:events"
