"""Measuring helpers for the Redis adapters' benches (adapter vs raw redis-py, same run).

Not used at run time by the adapters; shipped here so each bench script stays
a plain ``python bench_x.py`` without copying the measuring code.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from stepkit.adapters.redis_common.config import DEFAULT_URL

Operation = Callable[[], Awaitable[object]]
"""One timed operation. An optional untimed ``prepare`` runs before each call."""


@dataclass(frozen=True)
class Figure:
    """Throughput and latency of one operation at one concurrency."""

    ops_per_second: float
    p50_ms: float
    p99_ms: float
    mean_ms: float
    best_p50_ms: float
    """The lowest per-round median: robust to load spikes from other processes."""


@dataclass
class _Samples:
    latencies: list[float]
    span: float = 0.0
    round_medians: list[float] | None = None


async def _run(
    operation: Operation, samples: _Samples, concurrency: int, seconds: float, prepare: Operation | None
) -> None:
    clock = time.perf_counter
    stop = clock() + seconds
    latencies: list[float] = []
    busy = 0.0

    async def worker() -> None:
        nonlocal busy
        while clock() < stop:
            if prepare is not None:
                await prepare()
            start = clock()
            await operation()
            elapsed = clock() - start
            latencies.append(elapsed)
            busy += elapsed

    started = clock()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall = clock() - started
    # With prepare, wall time includes untimed work: use the busy time per task.
    samples.span += wall if prepare is None else busy / concurrency
    samples.latencies.extend(latencies)
    if latencies:
        samples.round_medians = [*(samples.round_medians or []), statistics.median(latencies)]


def _figure(samples: _Samples) -> Figure:
    latencies = sorted(samples.latencies)
    count = len(latencies)
    return Figure(
        ops_per_second=count / samples.span if samples.span > 0 else 0.0,
        p50_ms=latencies[count // 2] * 1000,
        p99_ms=latencies[min(count - 1, int(count * 0.99))] * 1000,
        mean_ms=statistics.fmean(latencies) * 1000,
        best_p50_ms=min(samples.round_medians or [0.0]) * 1000,
    )


async def measure(
    operation: Operation,
    *,
    concurrency: int = 1,
    seconds: float = 1.0,
    prepare: Operation | None = None,
    warmup: int = 20,
) -> Figure:
    """Run ``operation`` from ``concurrency`` tasks for about ``seconds``.

    Throughput counts timed work only (``prepare`` is excluded); latencies are
    per call.
    """
    (figure,) = await measure_interleaved(
        [(operation, prepare)], concurrency=concurrency, seconds=seconds, warmup=warmup
    )
    return figure


async def measure_interleaved(
    operations: list[tuple[Operation, Operation | None]],
    *,
    concurrency: int = 1,
    seconds: float = 1.0,
    rounds: int = 5,
    warmup: int = 20,
) -> list[Figure]:
    """Measure several ``(operation, prepare)`` alternately in ``rounds`` slices.

    Each gets about ``seconds`` in total. Alternating slices expose every
    operation to the same machine load, which keeps ratios stable on a busy
    machine.
    """
    for operation, prepare in operations:
        for _ in range(warmup):
            if prepare is not None:
                await prepare()
            await operation()
    samples = [_Samples([]) for _ in operations]
    for _ in range(rounds):
        for (operation, prepare), sample in zip(operations, samples, strict=True):
            await _run(operation, sample, concurrency, seconds / rounds, prepare)
    return [_figure(sample) for sample in samples]


@dataclass(frozen=True)
class Row:
    """One line of the bench table: the adapter's figure next to the raw one."""

    name: str
    adapter: Figure
    raw: Figure
    target: str
    ratio: float
    passed: bool


def speed_row(name: str, adapter: Figure, raw: Figure, minimum: float) -> Row:
    """A row whose target is ``adapter throughput >= minimum x raw``."""
    ratio = adapter.ops_per_second / raw.ops_per_second if raw.ops_per_second else 0.0
    return Row(name, adapter, raw, f">= {minimum:g}x raw", ratio, ratio >= minimum)


def slowdown_row(name: str, loaded: Figure, empty: Figure, maximum: float) -> Row:
    """A row whose target is ``best median latency loaded <= maximum x empty``."""
    ratio = loaded.best_p50_ms / empty.best_p50_ms if empty.best_p50_ms else 0.0
    return Row(name, loaded, empty, f"<= {maximum:g}x slower", ratio, ratio <= maximum)


def print_table(title: str, rows: list[Row], left: str = "stepkit", right: str = "raw") -> None:
    """Print the rows as a fixed-width table with PASS/MISS per target."""
    header = (
        f"{'operation':<44} {left + ' ops/s':>13} {'p50/p99 ms':>13} {right + ' ops/s':>13} "
        f"{'p50/p99 ms':>13} {'ratio':>6}  {'target':<16} result"
    )
    print(f"\n{title}\n{header}\n{'-' * len(header)}")
    for row in rows:
        print(
            f"{row.name:<44} {row.adapter.ops_per_second:>13,.0f} "
            f"{row.adapter.p50_ms:>6.3f}/{row.adapter.p99_ms:<6.3f} "
            f"{row.raw.ops_per_second:>13,.0f} {row.raw.p50_ms:>6.3f}/{row.raw.p99_ms:<6.3f} "
            f"{row.ratio:>6.2f}  {row.target:<16} {'PASS' if row.passed else 'MISS'}"
        )
    passed = sum(row.passed for row in rows)
    print(f"{passed}/{len(rows)} targets met")


def parse_args(description: str) -> argparse.Namespace:
    """``--url`` (default ``STEPKIT_REDIS_URL`` or local) and ``--seconds`` per measurement."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--url", default=os.environ.get("STEPKIT_REDIS_URL", DEFAULT_URL))
    parser.add_argument("--seconds", type=float, default=1.0, help="duration of each measurement")
    return parser.parse_args()


__all__ = [
    "Figure",
    "Operation",
    "Row",
    "measure",
    "measure_interleaved",
    "parse_args",
    "print_table",
    "slowdown_row",
    "speed_row",
]
