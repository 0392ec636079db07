"""The cron promise on the local cron adapter: each tick exactly once across instances.

Real time, every-second schedule; conditions are polled with bounds, never timed.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import defaultdict

import pytest
from runtime_testing import eventually

from stepkit.core.defaults.local_cron import LocalCronAdapter
from stepkit.core.errors import AdapterUnavailableError
from stepkit.core.models.cron import CronLock
from stepkit.runtime.cron.expression import parse_cron
from stepkit.runtime.cron.scheduler import CronJob, CronScheduler, lateness_limit, lock_ttl_for
from stepkit.runtime.cron.tick import CronTick

EVERY_SECOND = parse_cron("* * * * * *")


class ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def recording_job(runs: dict[int, list[str]], instance: str) -> CronJob:
    async def run(tick: CronTick) -> None:
        runs[tick.epoch].append(instance)  # returns at once: the hard case for release-after-run

    return CronJob("Tick", EVERY_SECOND, run)


def test_lock_ttl_policy() -> None:
    assert lock_ttl_for(1, 2.0) == 10.0
    assert lock_ttl_for(60, 2.0) == 120.0
    assert lock_ttl_for(86400, 2.0) == 3600.0
    assert lock_ttl_for(1, 5.0) == 22.0
    # An instance may try a tick only while every other instance's lock on it is surely alive.
    assert lateness_limit(10.0, 2.0) == 5.0


@pytest.mark.parametrize("skews", [(-2.0, 0.0, 2.0), (0.0, 0.0, 0.0)], ids=["skewed-2s", "in-step"])
async def test_each_tick_runs_exactly_once_across_three_instances(namespace: str, skews: tuple[float, ...]) -> None:
    runs: dict[int, list[str]] = defaultdict(list)
    adapters = [LocalCronAdapter({"namespace": namespace, "instance_id": f"i{n}"}) for n in range(len(skews))]
    schedulers = [
        CronScheduler(adapter, [recording_job(runs, adapter.instance_id)], clock_skew=skew, max_skew=2.0)
        for adapter, skew in zip(adapters, skews, strict=True)
    ]
    started = time.time()
    for scheduler in schedulers:
        await scheduler.start()
    first = math.ceil(started + max(skews) + 1)  # every instance schedules every tick from here on

    async def enough() -> bool:
        return len([tick for tick in runs if tick >= first]) >= 10

    try:
        await eventually(enough, timeout=40, what="10 ticks")
    finally:
        for scheduler in schedulers:
            await scheduler.stop(timeout=5)
        for adapter in adapters:
            await adapter.close()
    last = max(runs)
    window = range(first, last + 1)
    assert [tick for tick in window if len(runs[tick]) != 1] == [], dict(runs)
    assert all(len(instances) == 1 for instances in runs.values()), dict(runs)
    assert sum(s.stats.held_elsewhere for s in schedulers) >= 2 * (len(window) - 2)


async def test_crashed_holder_never_lets_its_tick_run_again(namespace: str) -> None:
    runs: dict[int, list[str]] = defaultdict(list)
    hang = asyncio.Event()

    def job(instance: str) -> CronJob:
        async def run(tick: CronTick) -> None:
            runs[tick.epoch].append(instance)
            if instance == "ahead":
                await hang.wait()

        return CronJob("Tick", EVERY_SECOND, run)

    ahead_adapter = LocalCronAdapter({"namespace": namespace, "instance_id": "ahead"})
    behind_adapter = LocalCronAdapter({"namespace": namespace, "instance_id": "behind"})
    ahead = CronScheduler(ahead_adapter, [job("ahead")], clock_skew=2.0)
    behind = CronScheduler(behind_adapter, [job("behind")], clock_skew=0.0)
    await behind.start()
    await ahead.start()
    try:
        await eventually(lambda: _true(any(runs.values())), what="the ahead instance taking a tick")
        [taken] = [tick for tick, who in runs.items() if who == ["ahead"]][:1]
        await ahead.stop(timeout=0)  # the holder dies mid-job: its lock is neither released nor renewed

        async def behind_passed() -> bool:
            return behind.now() > taken + 1.5

        await eventually(behind_passed, what="the behind instance reaching the tick")
        assert runs[taken] == ["ahead"]
    finally:
        await ahead.stop(timeout=0)
        await behind.stop(timeout=5)
        await ahead_adapter.close()
        await behind_adapter.close()


async def _true(value: bool) -> bool:
    return value


class UnavailableCron(LocalCronAdapter):
    """A local cron adapter whose lock store is down: acquire raises, health is False."""

    async def _acquire_lock(self, job_name: str, ttl: float) -> CronLock | None:
        raise AdapterUnavailableError("lock store down (test)")

    async def is_healthy(self) -> bool:
        return False


class SilentlyDownCron(LocalCronAdapter):
    """A lock store that fails safe by granting nothing (returns None) and reports unhealthy."""

    async def _acquire_lock(self, job_name: str, ttl: float) -> CronLock | None:
        return None

    async def is_healthy(self) -> bool:
        return False


class HangingCron(LocalCronAdapter):
    """A lock store that never answers an acquisition."""

    async def _acquire_lock(self, job_name: str, ttl: float) -> CronLock | None:
        await asyncio.Event().wait()
        return None


@pytest.mark.parametrize("adapter_class", [UnavailableCron, SilentlyDownCron, HangingCron])
async def test_ticks_are_skipped_with_an_error_when_the_lock_store_is_down(
    namespace: str, adapter_class: type[LocalCronAdapter]
) -> None:
    ran: list[int] = []

    async def run(tick: CronTick) -> None:
        ran.append(tick.epoch)

    logger = logging.getLogger(f"test.cron.{namespace}")
    logger.setLevel(logging.DEBUG)
    handler = ListHandler()
    logger.addHandler(handler)
    adapter = adapter_class({"namespace": namespace})
    # Lock ttl 3 s and max skew 0.5 s: an acquisition must land within 1 s of its tick.
    scheduler = CronScheduler(adapter, [CronJob("Tick", EVERY_SECOND, run)], logger=logger, lock_ttl=3, max_skew=0.5)
    await scheduler.start()
    try:
        await eventually(lambda: _true(scheduler.stats.skipped_unavailable >= 2), what="two skipped ticks")
    finally:
        await scheduler.stop(timeout=5)
        await adapter.close()
    assert ran == []
    errors = [
        r for r in handler.records if r.levelno == logging.ERROR and r.getMessage().startswith("cron tick skipped")
    ]
    assert len(errors) >= 2
    assert errors[0].__dict__["step"] == "Tick"


async def test_a_job_longer_than_its_lock_ttl_keeps_renewing_its_lock(namespace: str) -> None:
    release = asyncio.Event()
    started: list[int] = []

    async def run(tick: CronTick) -> None:
        started.append(tick.epoch)
        await release.wait()

    adapter = LocalCronAdapter({"namespace": namespace, "instance_id": "solo"})
    job = CronJob("Long", parse_cron("@yearly"), run)
    scheduler = CronScheduler(adapter, [job], lock_ttl=2.0, max_skew=0.0)
    # Drive one tick directly (a yearly schedule never fires during the test).
    due = math.ceil(scheduler.now())
    tick = asyncio.create_task(scheduler.run_tick(job, due, 2.0))
    try:
        await eventually(lambda: _true(scheduler.stats.renewals >= 4), what="four renewals (beyond the 2 s ttl)")
        locks = await adapter.active_locks()
        assert [(lock.job_name, lock.instance_id) for lock in locks] == [(f"Long@{due}", "solo")]
        assert scheduler.stats.lost_locks == 0
    finally:
        release.set()
        await tick
        await adapter.close()
    assert started == [due]


async def test_a_tick_woken_too_late_is_skipped_not_risked(namespace: str) -> None:
    ran: list[int] = []

    async def run(tick: CronTick) -> None:
        ran.append(tick.epoch)

    adapter = LocalCronAdapter({"namespace": namespace})
    frozen = [time.time()]
    # The clock jumps 30 s between scheduling and waking: beyond the 5 s lateness limit.
    scheduler = CronScheduler(adapter, [CronJob("Tick", EVERY_SECOND, run)], clock=lambda: frozen[0])
    await scheduler.start()
    await asyncio.sleep(0)
    frozen[0] += 30
    try:
        await eventually(lambda: _true(scheduler.stats.skipped_late >= 1), what="a late tick skipped")
    finally:
        await scheduler.stop(timeout=5)
        await adapter.close()
    assert scheduler.stats.skipped_late >= 1
