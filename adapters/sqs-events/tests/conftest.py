"""Fixtures: the real moto server (SNS + SQS) and adapters on one fresh namespace, closed afterwards."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqs_helpers import AdapterFactory

from stepkit.adapters.sqs_events import SqsEventAdapter
from stepkit.conformance.fixtures import DedicatedService
from stepkit.conformance.services import ServiceHandle, ServiceProvider


@pytest.fixture(scope="session")
def moto_url(stepkit_services: ServiceProvider) -> str:
    """The real moto server under test, provisioned by the stepkit-conformance plugin (or ``STEPKIT_SQS_URL``)."""
    return stepkit_services.get("sqs").endpoint.url


@pytest.fixture
def dedicated_moto(stepkit_dedicated_service: DedicatedService) -> ServiceHandle:
    """A moto server of this test alone, which it may pause and restart."""
    return stepkit_dedicated_service("sqs")


def build_factory(url: str, created: list[SqsEventAdapter]) -> AdapterFactory:
    namespace = f"test-{uuid.uuid4().hex[:12]}"

    def build(**settings: Any) -> SqsEventAdapter:
        config: dict[str, Any] = {
            "url": url,
            "namespace": namespace,
            "name_prefix": "sktest",
            "operation_timeout": 3.0,
            "drain_timeout": 5.0,
        }
        config.update(settings)
        adapter = SqsEventAdapter(config)
        created.append(adapter)
        return adapter

    return build


@pytest.fixture
async def make_adapter(moto_url: str) -> AsyncIterator[AdapterFactory]:
    """Build adapters sharing one fresh namespace on the shared moto server; all closed afterwards."""
    created: list[SqsEventAdapter] = []
    yield build_factory(moto_url, created)
    for adapter in created:
        await adapter.close()
