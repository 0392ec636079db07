"""Fixtures: the shared real moto server, and a dedicated one a fault test may pause and restart."""

from __future__ import annotations

import pytest

from stepkit.conformance.fixtures import DedicatedService
from stepkit.conformance.services import ServiceHandle, ServiceProvider


@pytest.fixture(scope="session")
def moto_url(stepkit_services: ServiceProvider) -> str:
    """The real moto server under test (kit-provisioned, or ``STEPKIT_SQS_URL``)."""
    return stepkit_services.get("sqs").endpoint.url


@pytest.fixture
def dedicated_moto(stepkit_dedicated_service: DedicatedService) -> ServiceHandle:
    """A moto server of this test alone, with fault controls; skipped when the provider cannot fault it."""
    return stepkit_dedicated_service("sqs")
