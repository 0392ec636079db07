"""Fixtures: the real moto server (SNS + SQS) and adapters on one fresh namespace, closed afterwards."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqs_helpers import AdapterFactory

from stepkit.adapters.sqs_events import SqsEventAdapter
from stepkit.conformance.fixtures import ClosingFactory, DedicatedService
from stepkit.conformance.services import ServiceHandle, ServiceProvider


@pytest.fixture(scope="session")
def moto_url(stepkit_services: ServiceProvider) -> str:
    """The real moto server under test, provisioned by the stepkit-conformance plugin (or ``STEPKIT_SQS_URL``)."""
    return stepkit_services.get("sqs").endpoint.url


@pytest.fixture
def dedicated_moto(stepkit_dedicated_service: DedicatedService) -> ServiceHandle:
    """A moto server of this test alone, which it may pause and restart."""
    return stepkit_dedicated_service("sqs")


def build_factory(url: str, created: list[SqsEventAdapter]) -> ClosingFactory[SqsEventAdapter]:
    """Builds adapters on ``url`` sharing one fresh namespace; each is appended to ``created``."""
    config: dict[str, Any] = {
        "url": url,
        "namespace": f"test-{uuid.uuid4().hex[:12]}",
        "name_prefix": "sktest",
        "operation_timeout": 3.0,
        "drain_timeout": 5.0,
    }
    return ClosingFactory(SqsEventAdapter, config, made=created)


@pytest.fixture
async def make_adapter(moto_url: str) -> AsyncIterator[AdapterFactory]:
    """Build adapters sharing one fresh namespace on the shared moto server; all closed afterwards."""
    build = build_factory(moto_url, [])
    yield build
    await build.close()
