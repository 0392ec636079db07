"""Fixtures: a real moto DynamoDB (kit-provisioned or ``STEPKIT_DYNAMODB_URL``), fresh namespaces, a raw client."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aioboto3  # type: ignore[import-untyped]
import pytest

from stepkit.adapters.dynamodb_state import DynamoDBStateAdapter
from stepkit.adapters.dynamodb_state.layout import group_pk, namespace_prefix
from stepkit.conformance.fixtures import ClosingFactory, DedicatedService
from stepkit.conformance.services import ServiceHandle, ServiceProvider


@pytest.fixture(scope="session")
def dynamodb_url(stepkit_services: ServiceProvider) -> str:
    """The real DynamoDB endpoint (a moto server) under test."""
    return stepkit_services.get("dynamodb").endpoint.url


@pytest.fixture
def dedicated_dynamodb(stepkit_dedicated_service: DedicatedService) -> ServiceHandle:
    """A moto server of this test alone, with fault controls; skipped when the provider cannot fault it."""
    return stepkit_dedicated_service("dynamodb")


@pytest.fixture
def namespace() -> str:
    """A namespace no other test uses."""
    return f"test-ddb-{uuid.uuid4().hex}"


@pytest.fixture
async def make_state(dynamodb_url: str, namespace: str) -> AsyncIterator[Callable[..., DynamoDBStateAdapter]]:
    """Builds adapters on the test's namespace; all are closed (and their groups cleared) after the test."""
    make = ClosingFactory(DynamoDBStateAdapter, {"url": dynamodb_url, "namespace": namespace, "operation_timeout": 5.0})
    yield make
    cleaner = DynamoDBStateAdapter({"url": dynamodb_url, "namespace": namespace})
    for group in await cleaner.group_ids():
        await cleaner.clear(group)
    await cleaner.close()
    await make.close()


@pytest.fixture
async def state(make_state: Callable[..., DynamoDBStateAdapter]) -> DynamoDBStateAdapter:
    """One adapter on a fresh namespace."""
    return make_state()


@pytest.fixture
async def raw(dynamodb_url: str) -> AsyncIterator[Any]:
    """A plain aiobotocore DynamoDB client on the same server, to inspect what the adapter stored."""
    session = aioboto3.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1")
    async with session.client("dynamodb", endpoint_url=dynamodb_url) as client:
        yield client


@pytest.fixture
def stored(raw: Any, namespace: str) -> Callable[[str, str], Awaitable[dict[str, Any]]]:
    """``await stored(group, key)``: the entry item exactly as the adapter stored it in the default table."""

    async def fetch(group: str, key: str) -> dict[str, Any]:
        response = await raw.get_item(
            TableName="stepkit-state",
            Key={"pk": {"S": group_pk(namespace_prefix(namespace), group)}, "sk": {"S": key}},
            ConsistentRead=True,
        )
        item: dict[str, Any] = response["Item"]
        return item

    return fetch
