"""``update()``: linearizable with ATOMIC_UPDATE, refused without it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from stepkit.conformance.harness import Harness, scenario
from stepkit.core import AdapterNotSupportedError, Capability

pytestmark = pytest.mark.state

TASKS = 40
INSTANCES = 3


def _increment(current: Any) -> Any:
    return (current or 0) + 1


@pytest.mark.core
@pytest.mark.requires(Capability.ATOMIC_UPDATE)
@pytest.mark.clause("state.update")
@scenario
async def test_state_update_returns_new_value(harness: Harness) -> None:
    state = await harness.state()
    assert await state.update("u", "k", _increment) == 1
    assert await state.update("u", "k", lambda v: {"wrapped": v}) == {"wrapped": 1}
    assert await state.get("u", "k") == {"wrapped": 1}

    def fail(_: Any) -> Any:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await state.update("u", "k", fail)
    assert await state.get("u", "k") == {"wrapped": 1}, "a failing update function wrote something"


@pytest.mark.multi
@pytest.mark.requires(Capability.ATOMIC_UPDATE)
@pytest.mark.clause("state.update")
@scenario
async def test_state_update_is_linearizable_across_instances(harness: Harness) -> None:
    instances = [await harness.state() for _ in range(INSTANCES)]

    async def slow_increment(current: Any) -> Any:
        await asyncio.sleep(0)
        return (current or 0) + 1

    results = await asyncio.gather(
        *(instances[i % INSTANCES].update("counter", "n", slow_increment) for i in range(TASKS))
    )
    final = await instances[0].get("counter", "n")
    assert final == TASKS, f"{TASKS} concurrent increments over {INSTANCES} instances gave {final}: updates were lost"
    assert sorted(results) == list(range(1, TASKS + 1)), (
        f"update() return values are not a linear history: {sorted(results)}"
    )


@pytest.mark.core
@pytest.mark.refuses(Capability.ATOMIC_UPDATE)
@pytest.mark.clause("state.update")
@scenario
async def test_state_update_refused_when_not_declared(harness: Harness) -> None:
    state = await harness.state()
    await state.set("u", "k", 1)
    with pytest.raises(AdapterNotSupportedError):
        await state.update("u", "k", _increment)
    assert await state.get("u", "k") == 1, "a refused update wrote something"
