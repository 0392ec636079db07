"""Fixtures: the real broker's URL, and adapters whose broker objects are deleted afterwards."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aio_pika
import pytest

from stepkit.adapters.rabbitmq_events import RabbitMQEventAdapter
from stepkit.conformance.services import ServiceProvider


@pytest.fixture(scope="session")
def amqp_url(stepkit_services: ServiceProvider) -> str:
    """The real rabbitmq under test, provisioned by the stepkit-conformance plugin (or ``STEPKIT_RABBITMQ_URL``)."""
    return stepkit_services.get("rabbitmq").endpoint.url


AdapterFactory = Callable[..., RabbitMQEventAdapter]


@pytest.fixture
async def make_adapter(amqp_url: str) -> AsyncIterator[AdapterFactory]:
    """Build adapters sharing one fresh namespace; close them and delete their queues/exchanges."""
    namespace = f"test-{uuid.uuid4().hex[:12]}"
    created: list[RabbitMQEventAdapter] = []

    def build(**settings: Any) -> RabbitMQEventAdapter:
        config: dict[str, Any] = {
            "url": amqp_url,
            "namespace": namespace,
            "exchange_prefix": "stepkit-test",
            "operation_timeout": 5.0,
            "drain_timeout": 5.0,
        }
        config.update(settings)
        adapter = RabbitMQEventAdapter(config)
        created.append(adapter)
        return adapter

    yield build
    for adapter in created:
        await adapter.close()
    queues = set().union(*(a.topology.declared_queues for a in created)) if created else set()
    exchanges = set().union(*(a.topology.declared_exchanges for a in created)) if created else set()
    if queues or exchanges:
        connection = await aio_pika.connect(amqp_url)
        async with connection:
            channel = await connection.channel()
            for queue in queues:
                await channel.queue_delete(queue)
            for exchange in exchanges:
                await channel.exchange_delete(exchange)


Eventually = Callable[..., Awaitable[None]]


async def _eventually(predicate: Callable[[], bool], timeout: float = 20.0, what: str = "condition") -> None:
    """Poll ``predicate`` until true; fail after ``timeout`` seconds (a hang guard, not a timing check)."""
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError(f"{what} not reached within {timeout}s")
        await asyncio.sleep(0.02)


@pytest.fixture
def eventually() -> Eventually:
    """Bounded polling for a condition."""
    return _eventually
