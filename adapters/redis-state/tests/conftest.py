"""Fixtures: a real Redis (from the stepkit-conformance plugin when installed) and fresh namespaces."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable

import pytest

from stepkit.adapters.redis_state import RedisStateAdapter
from stepkit.conformance.fixtures import ClosingFactory
from stepkit.conformance.services import ServiceProvider


@pytest.fixture(scope="session")
def redis_url(stepkit_services: ServiceProvider) -> str:
    """The real redis under test, provisioned by the stepkit-conformance plugin (or ``STEPKIT_REDIS_URL``)."""
    return stepkit_services.get("redis").endpoint.url


@pytest.fixture
def namespace() -> str:
    """A namespace no other test uses."""
    return f"test-state-{uuid.uuid4().hex}"


@pytest.fixture
async def make_state(redis_url: str, namespace: str) -> AsyncIterator[Callable[..., RedisStateAdapter]]:
    """Builds adapters on the test's namespace; all are closed (and their data cleared) after the test."""
    make = ClosingFactory(RedisStateAdapter, {"url": redis_url, "namespace": namespace, "operation_timeout": 5.0})
    yield make
    cleaner = RedisStateAdapter({"url": redis_url, "namespace": namespace})
    for group in await cleaner.group_ids():
        await cleaner.clear(group)
    await cleaner.close()
    await make.close()


@pytest.fixture
async def state(make_state: Callable[..., RedisStateAdapter]) -> RedisStateAdapter:
    """One adapter on a fresh namespace."""
    return make_state()
