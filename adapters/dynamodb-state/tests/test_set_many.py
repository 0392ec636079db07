"""set_many: one transaction per 100 keys (and 4 MB); get_many in chunks of 100."""

from __future__ import annotations

from stepkit.adapters.dynamodb_state import DynamoDBStateAdapter


async def test_large_set_many_and_get_many(state: DynamoDBStateAdapter) -> None:
    values = {f"k{i}": {"i": i} for i in range(250)}
    await state.set_many("g", values)
    assert await state.get_group("g") == values
    keys = [f"k{i}" for i in range(260)] + ["k0"]
    expected = [{"i": i} if i < 250 else None for i in range(260)] + [{"i": 0}]
    assert await state.get_many("g", keys) == expected
    await state.clear("g")
    assert await state.get_group("g") == {}


async def test_set_many_of_big_values_is_split_by_bytes(state: DynamoDBStateAdapter) -> None:
    big = "x" * 300_000
    values = {f"k{i}": big for i in range(16)}  # 4.8 MB: two transactions
    await state.set_many("g", values)
    assert sorted(await state.keys("g")) == sorted(values)
