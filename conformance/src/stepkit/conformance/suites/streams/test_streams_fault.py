"""Fault tier: the streams backend is paused and stopped underneath the adapter."""

from __future__ import annotations

import pytest

from stepkit.conformance.harness import Harness, scenario
from stepkit.conformance.suites.common import bounded_unavailable, recovers
from stepkit.conformance.suites.faults import paused, stopped

pytestmark = [pytest.mark.streams, pytest.mark.fault]


@pytest.mark.clause("streams.fault")
@scenario
async def test_streams_dead_backend_fails_in_bounded_time_and_recovers(harness: Harness) -> None:
    manager = await harness.streams()
    stream = manager.stream("f")
    await stream.set("g", "before", {"v": 1})
    timeout = harness.operation_timeout
    async with paused(harness):
        await bounded_unavailable(stream.get("g", "before"), timeout, "get() with the server paused")
        await bounded_unavailable(stream.set("g", "x", {}), timeout, "set() with the server paused")
        await bounded_unavailable(stream.query("g"), timeout, "query() with the server paused")
    assert await recovers(lambda: stream.get("g", "before"), "get() after unpause") == {"v": 1, "id": "before"}
    async with stopped(harness):
        await bounded_unavailable(stream.get("g", "before"), timeout, "get() with the server stopped")
    await recovers(lambda: stream.set("g", "after", {"v": 2}), "set() after restart")
