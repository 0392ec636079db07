"""Batch calls retry what DynamoDB leaves unprocessed (real moto; only half of each batch is let through)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import EndpointConnectionError  # type: ignore[import-untyped]

from stepkit.adapters.dynamodb_state import DynamoDBStateAdapter
from stepkit.core.errors import AdapterUnavailableError


class HalfProcessing:
    """A real client that sends only half of each batch and reports the rest as unprocessed, like a throttled table."""

    def __init__(self, client: Any, rounds: list[str]) -> None:
        self._client = client
        self._rounds = rounds

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    async def batch_get_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:
        ((table, request),) = RequestItems.items()
        keys = request["Keys"]
        half = max(1, len(keys) // 2)
        self._rounds.append(f"get {len(keys)}")
        response: dict[str, Any] = await self._client.batch_get_item(
            RequestItems={table: {**request, "Keys": keys[:half]}}
        )
        response["UnprocessedKeys"] = {table: {**request, "Keys": keys[half:]}} if keys[half:] else {}
        return response

    async def batch_write_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:
        ((table, requests),) = RequestItems.items()
        half = max(1, len(requests) // 2)
        self._rounds.append(f"write {len(requests)}")
        response: dict[str, Any] = await self._client.batch_write_item(RequestItems={table: requests[:half]})
        response["UnprocessedItems"] = {table: requests[half:]} if requests[half:] else {}
        return response


def _half_processing(state: DynamoDBStateAdapter) -> list[str]:
    rounds: list[str] = []
    connection = state.connection
    original = connection.call

    async def call(operation: str, fn: Any) -> Any:
        return await original(operation, lambda client: fn(HalfProcessing(client, rounds)))

    connection.call = call  # type: ignore[method-assign]
    return rounds


async def test_get_many_and_clear_retry_unprocessed(state: DynamoDBStateAdapter) -> None:
    values = {f"k{i}": i for i in range(40)}
    await state.set_many("g", values)
    rounds = _half_processing(state)
    assert await state.get_many("g", list(values)) == list(values.values())
    assert rounds[:3] == ["get 40", "get 20", "get 10"]
    await state.clear("g")
    assert any(r.startswith("write") for r in rounds)
    assert await state.get_group("g") == {}


class FailingSecondTransaction:
    """A real client whose second ``transact_write_items`` fails as if the endpoint vanished."""

    def __init__(self, client: Any, calls: list[int]) -> None:
        self._client = client
        self._calls = calls

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    async def transact_write_items(self, **params: Any) -> Any:
        self._calls.append(len(params["TransactItems"]))
        if len(self._calls) == 2:
            raise EndpointConnectionError(endpoint_url="http://dynamodb.invalid")
        return await self._client.transact_write_items(**params)


async def test_set_many_over_one_transaction_reports_what_was_written(state: DynamoDBStateAdapter) -> None:
    calls: list[int] = []
    connection = state.connection
    original = connection.call

    async def call(operation: str, fn: Any) -> Any:
        return await original(operation, lambda client: fn(FailingSecondTransaction(client, calls)))

    connection.call = call  # type: ignore[method-assign]
    with pytest.raises(AdapterUnavailableError) as failed:
        await state.set_many("g", {f"k{i:03}": i for i in range(150)})
    assert calls == [100, 50]
    assert "the first 100 keys were written" in str(failed.value)
    assert sorted(await state.keys("g")) == [f"k{i:03}" for i in range(100)]
