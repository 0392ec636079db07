"""The table: created lazily (TTL enabled), refused clearly when missing and not to be created, re-created."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from stepkit.adapters.dynamodb_state import DynamoDBStateAdapter
from stepkit.core.errors import AdapterConfigurationError


def _table() -> str:
    return f"stepkit-test-{uuid.uuid4().hex[:12]}"


async def test_missing_table_is_created_with_ttl(make_state: Callable[..., DynamoDBStateAdapter], raw: Any) -> None:
    name = _table()
    state = make_state(table_name=name)
    try:
        await state.set("g", "k", 1)
        table = (await raw.describe_table(TableName=name))["Table"]
        assert table["TableStatus"] == "ACTIVE"
        assert sorted((k["AttributeName"], k["KeyType"]) for k in table["KeySchema"]) == [
            ("pk", "HASH"),
            ("sk", "RANGE"),
        ]
        ttl = (await raw.describe_time_to_live(TableName=name))["TimeToLiveDescription"]
        assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", "exp")
    finally:
        await raw.delete_table(TableName=name)


async def test_missing_table_refused_without_create(make_state: Callable[..., DynamoDBStateAdapter]) -> None:
    name = _table()
    state = make_state(table_name=name, create_table=False)
    with pytest.raises(AdapterConfigurationError) as refused:
        await state.get("g", "k")
    assert name in str(refused.value)
    assert "create_table" in str(refused.value)
    assert await state.is_healthy() is False


async def test_table_with_other_key_schema_refused(make_state: Callable[..., DynamoDBStateAdapter], raw: Any) -> None:
    name = _table()
    await raw.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    try:
        with pytest.raises(AdapterConfigurationError) as refused:
            await make_state(table_name=name).set("g", "k", 1)
        assert "key schema" in str(refused.value)
    finally:
        await raw.delete_table(TableName=name)


async def test_table_deleted_underneath_is_recreated(make_state: Callable[..., DynamoDBStateAdapter], raw: Any) -> None:
    name = _table()
    state = make_state(table_name=name)
    try:
        await state.set("g", "k", 1)
        await raw.delete_table(TableName=name)
        assert await state.get("g", "k") is None  # a new, empty table (moto loses everything on restart)
        await state.set("g", "k", 2)
        assert await state.get("g", "k") == 2
        assert await state.group_ids() == ["g"]
    finally:
        await raw.delete_table(TableName=name)
