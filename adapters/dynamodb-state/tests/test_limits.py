"""Sizes are checked before anything is written: the value limit and DynamoDB's 400 KB item limit."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from stepkit.adapters.dynamodb_state import DynamoDBStateAdapter
from stepkit.adapters.dynamodb_state.config import DYNAMODB_ITEM_LIMIT
from stepkit.core.errors import AdapterConfigurationError, ValueTooLargeError


async def test_item_limit_states_both_numbers(state: DynamoDBStateAdapter) -> None:
    await state.set("g", "k", "old")
    too_big = "x" * (DYNAMODB_ITEM_LIMIT - 10)  # JSON under the value limit, item over 400 KB
    with pytest.raises(ValueTooLargeError) as refused:
        await state.set("g", "k", too_big)
    assert refused.value.limit == DYNAMODB_ITEM_LIMIT
    assert refused.value.size > DYNAMODB_ITEM_LIMIT
    assert str(DYNAMODB_ITEM_LIMIT) in str(refused.value)
    assert str(refused.value.size) in str(refused.value)
    assert await state.get("g", "k") == "old"


async def test_value_over_limit_refused_with_numbers(state: DynamoDBStateAdapter) -> None:
    with pytest.raises(ValueTooLargeError) as refused:
        await state.set("g", "k", "x" * DYNAMODB_ITEM_LIMIT)
    assert refused.value.limit == DYNAMODB_ITEM_LIMIT
    assert refused.value.size == DYNAMODB_ITEM_LIMIT + 2


async def test_set_many_with_one_oversize_value_writes_nothing(state: DynamoDBStateAdapter) -> None:
    values: dict[str, object] = {f"k{i}": i for i in range(150)}
    values["huge"] = "x" * (DYNAMODB_ITEM_LIMIT - 10)
    with pytest.raises(ValueTooLargeError):
        await state.set_many("g", values)
    assert await state.keys("g") == []
    assert await state.group_ids() == []


async def test_largest_item_is_written(state: DynamoDBStateAdapter) -> None:
    value = "y" * (DYNAMODB_ITEM_LIMIT - 200)
    await state.set("g", "k", value)
    assert await state.get("g", "k") == value


async def test_lower_configured_limit(make_state: Callable[..., DynamoDBStateAdapter]) -> None:
    state = make_state(max_value_bytes=100)
    with pytest.raises(ValueTooLargeError) as refused:
        await state.update("g", "k", lambda _: "x" * 100)
    assert (refused.value.size, refused.value.limit) == (102, 100)
    assert await state.exists("g", "k") is False


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("max_value_bytes", DYNAMODB_ITEM_LIMIT + 1),
        ("table_name", "a"),
        ("table_name", "bad name"),
        ("namespace", "🚀" * 255),
        ("url", "ftp://x"),
        ("operation_timeout", -1),
        ("index_grace_seconds", 0),
    ],
)
def test_bad_settings_name_the_field(field: str, value: object) -> None:
    with pytest.raises(AdapterConfigurationError) as refused:
        DynamoDBStateAdapter({field: value})
    assert field in str(refused.value)
