"""The cron scheduler: each scheduled tick runs exactly once across N instances.

How the promise is met (see the runtime README for the argument in full):

* **One lock per tick.** At a tick's scheduled time (by its own, possibly
  skewed, clock) every instance tries ``acquire_lock(f"{step}@{tick_epoch}",
  ttl)``. Exactly one wins; the others find it held.
* **Never released after the run.** A handler that returns at once must not
  free the tick for an instance whose clock is behind: the lock stays until
  its TTL lapses. The TTL (:func:`lock_ttl_for`) is at least 10 s and at
  least ``4 * max_skew + 2`` s, so it outlives every instance's attempt.
* **Attempts only on time.** An instance's acquisition of a tick must
  complete within ``ttl - 2 * max_skew - 1`` seconds of the tick's scheduled
  time (by its clock); a later wake-up skips the tick with a warning, and a
  slower lock store answer skips it with an error. So no instance can take a
  tick after the first lock on it lapsed, and a tick whose holder crashed is
  never run twice.
* **Renewal.** While a handler runs, its lock is renewed every ``ttl / 3``
  seconds, so a job longer than the TTL keeps its tick.
* **Fail-safe.** If the lock store is unavailable (``acquire_lock`` raises, or
  returns None while the adapter reports itself unhealthy), the tick is
  skipped with an error log; a handler never runs without the lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from stepkit.core.errors import AdapterError
from stepkit.core.models.cron import CronLock
from stepkit.core.protocols.cron import CronAdapter
from stepkit.runtime.cron.expression import CronExpression
from stepkit.runtime.cron.tick import CronTick
from stepkit.runtime.log import runtime_logger
from stepkit.runtime.shutdown import InFlight

MIN_LOCK_TTL = 10.0
MAX_LOCK_TTL = 3600.0
DEFAULT_MAX_SKEW = 2.0
MAX_SLEEP_CHUNK = 5.0


def lock_ttl_for(interval: float, max_skew: float = DEFAULT_MAX_SKEW) -> float:
    """The per-tick lock TTL: ``2 * interval`` within ``[max(10, 4*max_skew + 2), 3600]`` seconds."""
    floor = max(MIN_LOCK_TTL, 4 * max_skew + 2)
    return min(max(floor, 2 * interval), max(floor, MAX_LOCK_TTL))


def lateness_limit(ttl: float, max_skew: float) -> float:
    """How late (by the local clock) a tick may still be attempted without risking a second run."""
    return max(0.0, ttl - 2 * max_skew - 1.0)


@dataclass(frozen=True)
class CronJob:
    """A scheduled job: its name (the step name), schedule and body."""

    name: str
    expression: CronExpression
    run: Callable[[CronTick], Awaitable[None]]


@dataclass
class TickStats:
    """Counters for observability and tests."""

    ran: int = 0
    held_elsewhere: int = 0
    skipped_unavailable: int = 0
    skipped_late: int = 0
    renewals: int = 0
    lost_locks: int = 0
    running: set[str] = field(default_factory=set)


class CronScheduler:
    """Runs cron jobs on one runtime instance, coordinated through a :class:`CronAdapter`.

    ``clock_skew`` shifts this instance's clock (tests use it to skew one
    instance); ``max_skew`` is the largest skew between instances the
    deployment promises to stay within (default 2 s).
    """

    def __init__(
        self,
        adapter: CronAdapter,
        jobs: list[CronJob],
        *,
        clock_skew: float = 0.0,
        max_skew: float = DEFAULT_MAX_SKEW,
        lock_ttl: float | None = None,
        inflight: InFlight | None = None,
        clock: Callable[[], float] = time.time,
        logger: logging.Logger | None = None,
    ) -> None:
        self._adapter = adapter
        self._jobs = list(jobs)
        self._skew = clock_skew
        self._max_skew = max_skew
        self._lock_ttl = lock_ttl
        self._inflight = inflight or InFlight()
        self._clock = clock
        self._log = logger or runtime_logger("cron")
        self._stopping = asyncio.Event()
        self._loops: list[asyncio.Task[None]] = []
        self._ticks: set[asyncio.Task[None]] = set()
        self.stats = TickStats()

    def now(self) -> float:
        """This instance's (possibly skewed) clock, in epoch seconds."""
        return self._clock() + self._skew

    def ttl_for(self, job: CronJob) -> float:
        """The lock TTL used for ``job``'s ticks."""
        if self._lock_ttl is not None:
            return self._lock_ttl
        return lock_ttl_for(job.expression.interval_hint(self.now()), self._max_skew)

    async def start(self) -> None:
        """Start one loop per job. Ticks strictly after this moment are scheduled."""
        self._stopping.clear()
        for job in self._jobs:
            self._loops.append(asyncio.create_task(self._loop(job), name=f"stepkit-cron-{job.name}"))

    def stop_scheduling(self) -> None:
        """Take no new ticks; running ones go on."""
        self._stopping.set()

    async def stop(self, timeout: float) -> None:
        """Stop scheduling, let running ticks finish within ``timeout`` seconds, cancel the rest.

        Locks are never released here: they lapse after their TTL, so an
        instance whose clock is behind cannot run a tick this one took.
        """
        self.stop_scheduling()
        for loop in self._loops:
            loop.cancel()
        await asyncio.gather(*self._loops, return_exceptions=True)
        self._loops.clear()
        if self._ticks:
            _, pending = await asyncio.wait(set(self._ticks), timeout=timeout)
            for task in pending:
                task.cancel()
            if pending:
                self._log.error("cron ticks cancelled at shutdown", extra={"count": len(pending)})
                await asyncio.gather(*pending, return_exceptions=True)

    async def _sleep_until(self, due: float) -> bool:
        """Sleep until ``due`` on this instance's clock; False if stopping first."""
        while not self._stopping.is_set():
            delay = due - self.now()
            if delay <= 0:
                return True
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(min(delay, MAX_SLEEP_CHUNK)):
                    await self._stopping.wait()
        return False

    async def _loop(self, job: CronJob) -> None:
        last = self.now()
        while True:
            due = job.expression.next_after(last)
            if not await self._sleep_until(due):
                return
            last = due
            ttl = self.ttl_for(job)
            task = asyncio.create_task(self.run_tick(job, due, ttl), name=f"stepkit-cron-{job.name}@{due}")
            self._ticks.add(task)
            task.add_done_callback(self._ticks.discard)

    async def run_tick(self, job: CronJob, due: int, ttl: float) -> None:
        """Take tick ``due`` of ``job`` under its lock and run it, or skip it (held, or store down).

        The loop calls this at the tick's time; it is public so a tick can be driven directly.
        """
        job_name = f"{job.name}@{due}"
        fields = {"step": job.name, "tick": due, "job": job_name}
        window = lateness_limit(ttl, self._max_skew) - (self.now() - due)
        if window <= 0:
            self.stats.skipped_late += 1
            self._log.warning("cron tick skipped: too late to take it safely", extra=fields)
            return
        try:
            # The acquisition must land while every other instance's lock on this tick is surely alive.
            async with asyncio.timeout(window):
                lock = await self._adapter.acquire_lock(job_name, ttl)
        except TimeoutError:
            self.stats.skipped_unavailable += 1
            self._log.error("cron tick skipped: lock store too slow to answer in time", extra=fields)
            return
        except AdapterError as exc:
            self.stats.skipped_unavailable += 1
            self._log.error("cron tick skipped: lock store unavailable", extra={**fields, "reason": repr(exc)})
            return
        if lock is None:
            if await self._adapter.is_healthy():
                self.stats.held_elsewhere += 1
                self._log.debug("cron tick taken by another instance", extra=fields)
            else:
                self.stats.skipped_unavailable += 1
                self._log.error("cron tick skipped: lock store unhealthy", extra=fields)
            return
        renewal = asyncio.create_task(self._renew(lock, ttl, fields))
        self.stats.running.add(job_name)
        try:
            async with self._inflight.track():
                await job.run(CronTick(epoch=due, fencing_token=lock.fencing_token))
            self.stats.ran += 1
        except Exception:  # noqa: BLE001 - a failing job is logged; the scheduler goes on
            self._log.exception("cron handler failed", extra=fields)
        finally:
            self.stats.running.discard(job_name)
            renewal.cancel()
            await asyncio.gather(renewal, return_exceptions=True)

    async def _renew(self, lock: CronLock, ttl: float, fields: dict[str, object]) -> None:
        while True:
            await asyncio.sleep(ttl / 3)
            try:
                held = await self._adapter.renew_lock(lock, ttl)
            except AdapterError as exc:
                self._log.warning("cron lock renewal failed; retrying", extra={**fields, "reason": repr(exc)})
                continue
            if not held:
                self.stats.lost_locks += 1
                self._log.error("cron lock lost while the job runs", extra=fields)
                return
            self.stats.renewals += 1


__all__ = ["DEFAULT_MAX_SKEW", "CronJob", "CronScheduler", "TickStats", "lateness_limit", "lock_ttl_for"]
