"""Fixtures: a real Redis (from the stepkit-conformance plugin when installed) and fresh namespaces."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable

import pytest

from stepkit.adapters.redis_cron import RedisCronAdapter
from stepkit.conformance.fixtures import ClosingFactory
from stepkit.conformance.services import ServiceProvider


@pytest.fixture(scope="session")
def redis_url(stepkit_services: ServiceProvider) -> str:
    """The real redis under test, provisioned by the stepkit-conformance plugin (or ``STEPKIT_REDIS_URL``)."""
    return stepkit_services.get("redis").endpoint.url


@pytest.fixture
async def make_cron(redis_url: str) -> AsyncIterator[Callable[..., RedisCronAdapter]]:
    """Builds adapters sharing one fresh namespace, each with its own instance id; closed after the test."""
    make = ClosingFactory(
        RedisCronAdapter, {"url": redis_url, "namespace": f"test-cron-{uuid.uuid4().hex}", "operation_timeout": 5.0}
    )
    yield make
    await make.close()
