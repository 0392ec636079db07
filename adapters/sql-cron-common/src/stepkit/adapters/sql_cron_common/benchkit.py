"""Bench helpers for the SQL cron adapters (adapter vs raw driver, same run).

The measuring and table code is the one the Redis benches use
(``stepkit.adapters.redis_common.benchkit``, install the ``bench`` extra);
this module adds the SQL benches' argument parsing and the common loop.
"""

from __future__ import annotations

import argparse
import itertools
import os
from collections.abc import Awaitable, Callable

from stepkit.adapters.redis_common.benchkit import measure_interleaved, print_table, speed_row
from stepkit.core.protocols.cron import CronAdapter

TARGET = 0.9
"""Adapter throughput must be at least this fraction of the raw driver's."""

JOBS = 256


def parse_args(description: str, variable: str, default_url: str) -> argparse.Namespace:
    """``--url`` (default ``$variable`` or ``default_url``) and ``--seconds`` per measurement."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get(variable, default_url))
    parser.add_argument("--seconds", type=float, default=2.0, help="duration of each measurement")
    return parser.parse_args()


async def compare(
    title: str,
    cron: CronAdapter,
    raw_pair: Callable[[str], Awaitable[object]],
    seconds: float,
    concurrencies: tuple[int, ...] = (1, 16),
) -> None:
    """Measure acquire+release through ``cron`` next to ``raw_pair(job)`` and print the table.

    Both cycle through the same job names; ``raw_pair`` must do the raw
    driver's equivalent of one acquire and (when granted) one release.
    """
    ours_jobs = itertools.cycle([f"job{i}" for i in range(JOBS)])
    raw_jobs = itertools.cycle([f"job{i}" for i in range(JOBS)])

    async def ours() -> None:
        lock = await cron.acquire_lock(next(ours_jobs), 30)
        if lock is not None:
            await cron.release_lock(lock)

    async def raw() -> None:
        await raw_pair(next(raw_jobs))

    rows = []
    for concurrency in concurrencies:
        label = "seq" if concurrency == 1 else f"{concurrency} tasks"
        a, b = await measure_interleaved([(ours, None), (raw, None)], concurrency=concurrency, seconds=seconds)
        rows.append(speed_row(f"acquire+release ({label})", a, b, TARGET))
    print_table(title, rows)


__all__ = ["JOBS", "TARGET", "compare", "parse_args"]
