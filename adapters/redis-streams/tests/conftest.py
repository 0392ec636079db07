"""Fixtures: a real Redis (from the stepkit-conformance plugin when installed) and fresh namespaces."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable

import pytest

from stepkit.adapters.redis_streams import RedisStreamManager
from stepkit.conformance.fixtures import ClosingFactory
from stepkit.conformance.services import ServiceProvider


@pytest.fixture(scope="session")
def redis_url(stepkit_services: ServiceProvider) -> str:
    """The real redis under test, provisioned by the stepkit-conformance plugin (or ``STEPKIT_REDIS_URL``)."""
    return stepkit_services.get("redis").endpoint.url


@pytest.fixture
async def make_manager(redis_url: str) -> AsyncIterator[Callable[..., RedisStreamManager]]:
    """Builds adapters sharing one fresh namespace, closed after the test."""
    namespace = f"test-streams-{uuid.uuid4().hex}"
    make = ClosingFactory(RedisStreamManager, {"url": redis_url, "namespace": namespace, "operation_timeout": 5.0})
    yield make
    await make.close()
