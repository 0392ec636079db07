"""Fault tier: the state backend is paused and stopped underneath the adapter."""

from __future__ import annotations

import pytest

from stepkit.conformance.harness import Harness, scenario
from stepkit.conformance.suites.common import bounded_unavailable, recovers
from stepkit.conformance.suites.faults import paused, stopped

pytestmark = [pytest.mark.state, pytest.mark.fault]


@pytest.mark.clause("state.fault")
@scenario
async def test_state_dead_backend_fails_in_bounded_time_and_recovers(harness: Harness) -> None:
    state = await harness.state()
    await state.set("f", "before", 1)
    timeout = harness.operation_timeout
    async with paused(harness):
        await bounded_unavailable(state.get("f", "before"), timeout, "get() with the server paused")
        await bounded_unavailable(state.set("f", "during", 2), timeout, "set() with the server paused")
        assert await state.is_healthy() is False, "is_healthy() is True with the server paused"
    assert await recovers(lambda: state.get("f", "before"), "get() after unpause") == 1
    async with stopped(harness):
        await bounded_unavailable(state.get("f", "before"), timeout, "get() with the server stopped")
    await recovers(lambda: state.set("f", "after", 3), "set() after restart")
    assert await state.get("f", "after") == 3
