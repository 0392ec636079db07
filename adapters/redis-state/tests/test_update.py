"""update() is linearizable across instances (optimistic compare-and-set)."""

from __future__ import annotations

import asyncio

import pytest

from stepkit.core.errors import AdapterSerializationError


async def test_update_is_exact_under_contention(make_state) -> None:  # type: ignore[no-untyped-def]
    instances = [make_state() for _ in range(3)]

    async def add_one(index: int) -> None:
        await instances[index % 3].update("g", "counter", lambda v: (v or 0) + 1)

    await asyncio.gather(*(add_one(i) for i in range(50)))
    assert await instances[0].get("g", "counter") == 50


async def test_update_creates_and_returns(make_state) -> None:  # type: ignore[no-untyped-def]
    state = make_state()

    async def fn(value):  # type: ignore[no-untyped-def]
        return {"seen": value}

    assert await state.update("g", "k", fn) == {"seen": None}
    assert await state.group_ids() == ["g"]


async def test_update_fn_error_writes_nothing(make_state) -> None:  # type: ignore[no-untyped-def]
    state = make_state()
    await state.set("g", "k", 1)

    def boom(value):  # type: ignore[no-untyped-def]
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        await state.update("g", "k", boom)
    with pytest.raises(AdapterSerializationError):
        await state.update("g", "k", lambda v: {1, 2})
    assert await state.get("g", "k") == 1
