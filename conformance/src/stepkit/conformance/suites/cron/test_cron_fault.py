"""Fault tier: fail-safe locks with the lock store paused or stopped."""

from __future__ import annotations

import time

import pytest

from stepkit.conformance.harness import Harness, scenario
from stepkit.conformance.suites.common import FAULT_MARGIN, recovers
from stepkit.conformance.suites.faults import paused, stopped
from stepkit.core import AdapterUnavailableError, CronAdapter

pytestmark = [pytest.mark.cron, pytest.mark.fault]


async def _grants_nothing(adapter: CronAdapter, job: str, timeout: float, what: str) -> None:
    start = time.monotonic()
    try:
        lock = await adapter.acquire_lock(job, 30)
    except AdapterUnavailableError:
        lock = None
    elapsed = time.monotonic() - start
    assert lock is None, f"{what}: a lock was granted while the backend was unreachable"
    assert elapsed <= timeout + FAULT_MARGIN, f"{what}: took {elapsed:.2f}s (bound {timeout:g}s + {FAULT_MARGIN:g}s)"


async def _unhealthy(adapter: CronAdapter, timeout: float, what: str) -> None:
    start = time.monotonic()
    healthy = await adapter.is_healthy()
    elapsed = time.monotonic() - start
    assert healthy is False, f"{what}: is_healthy() is True while the backend is unreachable"
    assert elapsed <= timeout + FAULT_MARGIN, f"{what}: is_healthy() took {elapsed:.2f}s"


@pytest.mark.clause("cron.failsafe")
@scenario
async def test_cron_failsafe_with_backend_down(harness: Harness) -> None:
    holder, other = await harness.cron(), await harness.cron()
    lock = await holder.acquire_lock("safe", 30)
    assert lock is not None
    assert await other.acquire_lock("other-warm", 30) is not None
    timeout = harness.operation_timeout
    async with paused(harness):
        await _unhealthy(other, timeout, "paused")
        await _grants_nothing(other, "safe", timeout, "paused, held job")
        await _grants_nothing(other, "free-job", timeout, "paused, free job")
    async with stopped(harness):
        await _unhealthy(other, timeout, "stopped")
        await _grants_nothing(other, "safe", timeout, "stopped, held job")
    assert await recovers(lambda: other.acquire_lock("safe", 30), "acquire after restart") is None, (
        "the job held before the outage was granted again after it: double grant"
    )
    released = await recovers(lambda: holder.release_lock(lock), "the holder's release after restart")
    assert released is True, "the holder lost its lock across the outage"
    assert await other.acquire_lock("safe", 30) is not None
    assert await other.is_healthy() is True
