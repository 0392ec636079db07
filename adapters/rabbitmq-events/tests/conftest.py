"""Fixtures: the real broker's URL, and adapters whose broker objects are deleted afterwards."""

from __future__ import annotations

import functools
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aio_pika
import pytest

from stepkit.adapters.rabbitmq_events import RabbitMQEventAdapter
from stepkit.conformance import harness
from stepkit.conformance.fixtures import ClosingFactory
from stepkit.conformance.services import ServiceProvider


@pytest.fixture(scope="session")
def amqp_url(stepkit_services: ServiceProvider) -> str:
    """The real rabbitmq under test, provisioned by the stepkit-conformance plugin (or ``STEPKIT_RABBITMQ_URL``)."""
    return stepkit_services.get("rabbitmq").endpoint.url


AdapterFactory = Callable[..., RabbitMQEventAdapter]


@pytest.fixture
async def make_adapter(amqp_url: str) -> AsyncIterator[AdapterFactory]:
    """Build adapters sharing one fresh namespace; close them and delete their queues/exchanges."""
    config: dict[str, Any] = {
        "url": amqp_url,
        "namespace": f"test-{uuid.uuid4().hex[:12]}",
        "exchange_prefix": "stepkit-test",
        "operation_timeout": 5.0,
        "drain_timeout": 5.0,
    }
    build = ClosingFactory(RabbitMQEventAdapter, config)
    yield build
    await build.close()
    created = build.made
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


@pytest.fixture
def eventually() -> Eventually:
    """The kit's bounded polling for a condition (a hang guard, not a timing check), 20 s by default."""
    return functools.partial(harness.eventually, timeout=20.0)
