"""TTL: entries expire with TTL declared; ``ttl=`` refused without it."""

from __future__ import annotations

import asyncio

import pytest

from stepkit.conformance.harness import Harness, scenario
from stepkit.core import AdapterNotSupportedError, Capability

pytestmark = [pytest.mark.state, pytest.mark.core]

TTL = 0.6


@pytest.mark.requires(Capability.TTL)
@pytest.mark.clause("state.ttl")
@scenario
async def test_state_ttl_expires_entry(harness: Harness) -> None:
    state = await harness.state()
    await state.set("t", "short", "x", ttl=TTL)
    await state.set_many("t", {"many": 1}, ttl=TTL)
    await state.set("t", "forever", "y")
    assert await state.get("t", "short") == "x", "the entry expired immediately"
    await asyncio.sleep(TTL)

    async def expired() -> bool:
        return not await state.exists("t", "short") and not await state.exists("t", "many")

    deadline = asyncio.get_running_loop().time() + 5
    while not await expired():
        assert asyncio.get_running_loop().time() < deadline, f"an entry set with ttl={TTL} still exists after 5s"
        await asyncio.sleep(0.1)
    assert await state.get("t", "short") is None
    assert sorted(await state.keys("t")) == ["forever"], "an expired key is still listed"
    assert await state.get("t", "forever") == "y", "an entry without ttl expired"


@pytest.mark.requires(Capability.TTL)
@pytest.mark.clause("state.ttl")
@scenario
async def test_state_set_without_ttl_clears_previous_ttl(harness: Harness) -> None:
    state = await harness.state()
    await state.set("t", "k", 1, ttl=TTL)
    await state.set("t", "k", 2)
    await asyncio.sleep(TTL + 0.5)
    assert await state.get("t", "k") == 2, "set() without ttl must store a value that does not expire"


@pytest.mark.refuses(Capability.TTL)
@pytest.mark.clause("state.ttl")
@scenario
async def test_state_ttl_refused_when_not_declared(harness: Harness) -> None:
    state = await harness.state()
    with pytest.raises(AdapterNotSupportedError):
        await state.set("t", "k", 1, ttl=1)
    with pytest.raises(AdapterNotSupportedError):
        await state.set_many("t", {"k": 1}, ttl=1)
    assert await state.exists("t", "k") is False, "a refused ttl write stored the value"
