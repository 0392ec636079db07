"""TTL: entries expire with TTL declared; ``ttl=`` refused without it."""

from __future__ import annotations

import asyncio

import pytest

from stepkit.conformance.harness import Harness, scenario
from stepkit.core import AdapterNotSupportedError, Capability, StateAdapter

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
    await state.set("gone", "only", {"n": 1}, ttl=TTL)
    assert await state.get("t", "short") == "x", "the entry expired immediately"
    await asyncio.sleep(TTL)

    async def expired() -> bool:
        return not await state.exists("t", "short") and not await state.exists("t", "many")

    deadline = asyncio.get_running_loop().time() + 5
    while not await expired():
        assert asyncio.get_running_loop().time() < deadline, f"an entry set with ttl={TTL} still exists after 5s"
        await asyncio.sleep(0.1)
    await _gone_from_every_read(state)
    assert await state.get("t", "forever") == "y", "an entry without ttl expired"


async def _gone_from_every_read(state: StateAdapter) -> None:
    """Once ``exists`` says an entry expired, no read may return it (no lazy expiry on some paths)."""
    assert not await state.exists("gone", "only"), "exists() still sees an expired entry"
    assert await state.get("t", "short") is None, "get() returned an expired entry"
    assert await state.get("gone", "only") is None, "get() returned an expired entry"
    got = await state.get_many("t", ["short", "many", "forever"])
    assert got == [None, None, "y"], f"get_many() returned expired entries: {got!r}"
    assert sorted(await state.keys("t")) == ["forever"], "keys() still lists an expired key"
    assert await state.keys("gone") == [], "keys() still lists an expired key"
    group = await state.get_group("t")
    assert group == {"forever": "y"}, f"get_group() returned expired entries: {group!r}"
    assert await state.get_group("gone") == {}, "get_group() of a group whose entries all expired is not empty"
    groups = await state.group_ids()
    assert "gone" not in groups, f"group_ids() lists a group whose entries all expired: {sorted(groups)!r}"
    assert "t" in groups, "group_ids() lost a group that still has an entry"
    listed = sorted((i.group_id, i.key) for i in await state.items("t"))
    assert listed == [("t", "forever")], f"items('t') returned expired entries: {listed!r}"
    everywhere = sorted((i.group_id, i.key) for i in await state.items())
    assert everywhere == [("t", "forever")], f"items() returned expired entries: {everywhere!r}"


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
