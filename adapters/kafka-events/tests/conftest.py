"""Fixtures: the real Kafka broker's URL, and adapters on a fresh namespace that are closed afterwards."""

from __future__ import annotations

import functools
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from stepkit.adapters.kafka_events import KafkaEventAdapter
from stepkit.adapters.kafka_events.conformance import TANSU_GROUP_TIMINGS
from stepkit.conformance import harness
from stepkit.conformance.fixtures import ClosingFactory
from stepkit.conformance.services import ServiceProvider


@pytest.fixture(scope="session")
def kafka_url(stepkit_services: ServiceProvider) -> str:
    """The real Kafka-protocol broker under test (the kit's Tansu, or ``STEPKIT_KAFKA_URL``)."""
    return stepkit_services.get("kafka").endpoint.url


AdapterFactory = Callable[..., KafkaEventAdapter]


@pytest.fixture
async def make_adapter(kafka_url: str) -> AsyncIterator[AdapterFactory]:
    """Build adapters sharing one fresh namespace (Tansu settings); close them afterwards."""
    config: dict[str, Any] = {
        "url": kafka_url,
        "namespace": f"test-{uuid.uuid4().hex[:12]}",
        "topic_prefix": "stepkit-test",
        "operation_timeout": 5.0,
        "drain_timeout": 5.0,
        "partitions": 4,
        "fetch_max_wait": 0.1,
        "metadata_max_age": 1.0,
        "broker_quirks": "tansu",
        **TANSU_GROUP_TIMINGS,
    }
    build = ClosingFactory(KafkaEventAdapter, config)
    yield build
    await build.close()


Eventually = Callable[..., Awaitable[None]]


@pytest.fixture
def eventually() -> Eventually:
    """The kit's bounded polling for a condition (a hang guard, not a timing check), 20 s by default."""
    return functools.partial(harness.eventually, timeout=20.0)
