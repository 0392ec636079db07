"""Fixtures: the shared real Redis, a dedicated one for fault tests, and a port nothing listens on."""

from __future__ import annotations

import pytest

from stepkit.conformance.fixtures import DedicatedService
from stepkit.conformance.services import ServiceHandle, ServiceProvider
from stepkit.conformance.services.ports import free_port


@pytest.fixture(scope="session")
def redis_url(stepkit_services: ServiceProvider) -> str:
    """The real redis under test, provisioned by the stepkit-conformance plugin (or ``STEPKIT_REDIS_URL``)."""
    return stepkit_services.get("redis").endpoint.url


class PrivateRedis:
    """A Redis server owned by one test (the kit's dedicated server), which it may stop, restart, pause and resume."""

    def __init__(self, handle: ServiceHandle) -> None:
        self.handle = handle

    @property
    def url(self) -> str:
        return self.handle.endpoint.url

    def start(self) -> None:
        self.handle.start()

    def stop(self) -> None:
        self.handle.stop()

    def pause(self) -> None:
        self.handle.pause()

    def resume(self) -> None:
        self.handle.unpause()


@pytest.fixture
def closed_url() -> str:
    """A Redis URL on a port where nothing listens."""
    return f"redis://127.0.0.1:{free_port()}/0"


@pytest.fixture
def private_redis(stepkit_dedicated_service: DedicatedService) -> PrivateRedis:
    """A started Redis of this test alone (skipped when only a ``STEPKIT_REDIS_URL`` server is available)."""
    return PrivateRedis(stepkit_dedicated_service("redis"))
