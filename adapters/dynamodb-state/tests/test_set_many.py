"""set_many: one transaction per 100 keys (and 4 MB); get_many in chunks of 100."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

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


async def test_concurrent_set_many_and_set_lose_nothing(make_state: Callable[..., DynamoDBStateAdapter]) -> None:
    instances = [make_state() for _ in range(3)]

    async def writer(index: int) -> None:
        state = instances[index]
        for round_ in range(8):
            await state.set_many("g", {f"m{index}-{round_}-{j}": j for j in range(5)})
            await state.set("g", f"s{index}-{round_}", round_)

    await asyncio.gather(*(writer(i) for i in range(3)))
    expected = {f"m{i}-{r}-{j}": j for i in range(3) for r in range(8) for j in range(5)}
    expected |= {f"s{i}-{r}": r for i in range(3) for r in range(8)}
    assert await instances[0].get_group("g") == expected
