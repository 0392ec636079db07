"""update() is linearizable across instances: write token + conditional put + retry."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from stepkit.adapters.dynamodb_state import DynamoDBStateAdapter
from stepkit.core.errors import AdapterSerializationError


async def test_update_is_exact_under_contention(make_state: Callable[..., DynamoDBStateAdapter]) -> None:
    instances = [make_state() for _ in range(3)]

    async def add_one(index: int) -> None:
        await instances[index % 3].update("g", "counter", lambda v: (v or 0) + 1)

    await asyncio.gather(*(add_one(i) for i in range(60)))
    assert await instances[0].get("g", "counter") == 60


async def test_update_against_concurrent_set_and_delete(make_state: Callable[..., DynamoDBStateAdapter]) -> None:
    a, b = make_state(), make_state()
    await a.set("g", "k", 0)

    async def bump() -> None:
        await a.update("g", "k", lambda v: (v or 0) + 1)

    async def reset() -> None:
        await b.delete("g", "k")
        await b.set("g", "k", 100)

    await asyncio.gather(*(bump() for _ in range(10)), reset())
    value = await a.get("g", "k")
    assert isinstance(value, int)
    assert value <= 10 or 100 <= value <= 110


async def test_update_creates_and_returns(state: DynamoDBStateAdapter) -> None:
    async def fn(value: object) -> object:
        return {"seen": value}

    assert await state.update("g", "k", fn) == {"seen": None}
    assert await state.group_ids() == ["g"]


async def test_update_fn_error_writes_nothing(state: DynamoDBStateAdapter) -> None:
    await state.set("g", "k", 1)

    def boom(value: object) -> object:
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        await state.update("g", "k", boom)
    with pytest.raises(AdapterSerializationError):
        await state.update("g", "k", lambda v: {1, 2})
    assert await state.get("g", "k") == 1
