"""The cron benches' one operation: acquire + release of a job, adapter next to raw driver."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable

from stepkit.conformance.benchkit.compare import Case, speed_rows
from stepkit.conformance.benchkit.table import print_table
from stepkit.core.protocols.cron import CronAdapter

LOCK_TARGET = 0.9
"""Adapter acquire+release pairs/s must be at least this fraction of the raw driver's."""

JOBS = 256
"""Both sides cycle through job names ``job0`` .. ``job255``: concurrent tasks rarely share a job."""

LOCK_TTL_SECONDS = 30
"""The lock time-to-live both sides ask for (the raw side in its own unit)."""


def job_names() -> list[str]:
    """The :data:`JOBS` job names the benches use, for cleaning up afterwards."""
    return [f"job{i}" for i in range(JOBS)]


async def compare_locks(
    title: str,
    cron: CronAdapter,
    raw_pair: Callable[[str], Awaitable[object]],
    seconds: float,
    concurrencies: tuple[int, ...] = (1, 16),
) -> None:
    """Open ``cron``, measure acquire+release through it next to ``raw_pair(job)``, print the table.

    Each side cycles through the same :data:`JOBS` job names on its own;
    ``raw_pair`` must do the raw driver's equivalent of one acquire (for
    :data:`LOCK_TTL_SECONDS`) and, when granted, one release. One row per
    concurrency, target ``>= LOCK_TARGET x raw`` pairs/s.
    """
    ours_jobs = itertools.cycle(job_names())
    raw_jobs = itertools.cycle(job_names())

    async def ours() -> None:
        lock = await cron.acquire_lock(next(ours_jobs), LOCK_TTL_SECONDS)
        if lock is not None:
            await cron.release_lock(lock)

    async def raw() -> None:
        await raw_pair(next(raw_jobs))

    await cron.open()
    case = Case("acquire+release", ours, raw)
    rows = []
    for concurrency in concurrencies:
        rows += await speed_rows([case], concurrency=concurrency, seconds=seconds, minimum=LOCK_TARGET)
    print_table(title, rows)


__all__ = ["JOBS", "LOCK_TARGET", "LOCK_TTL_SECONDS", "compare_locks", "job_names"]
