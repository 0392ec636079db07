"""Fixtures: the shared real moto server, and a dedicated one a fault test may pause and restart."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from stepkit.conformance.services import ServiceHandle, ServiceProvider


@pytest.fixture(scope="session")
def moto_url(stepkit_services: ServiceProvider) -> str:
    """The real moto server under test (kit-provisioned, or ``STEPKIT_SQS_URL``)."""
    return stepkit_services.get("sqs").endpoint.url


@pytest.fixture
def dedicated_moto(stepkit_services: ServiceProvider) -> Iterator[ServiceHandle]:
    """A moto server of this test alone, with fault controls; skipped when the provider cannot fault it."""
    handle = stepkit_services.get("sqs", dedicated=True)
    if not handle.supports_faults:
        handle.close()
        pytest.skip(f"{handle.describe()} cannot be paused or restarted (a URL was given)")
    try:
        yield handle
    finally:
        handle.close()
