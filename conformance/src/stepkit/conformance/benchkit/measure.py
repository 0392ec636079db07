"""Timing operations: throughput and latency figures, measured alternately.

What the numbers mean: ``ops_per_second`` counts completed timed calls per
second of timed work; latencies are per call (``p50``/``p99`` are nearest-rank
percentiles over every call of every round); ``best_p50_ms`` is the lowest
per-round median, which a load spike from another process cannot inflate.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

Operation = Callable[[], Awaitable[object]]
"""One timed operation. An optional untimed ``prepare`` runs before each call."""


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile: ``sorted(samples)[int(fraction * n)]``, clamped to the last.

    Raises:
        ValueError: ``samples`` is empty.
    """
    if not samples:
        raise ValueError("percentile of no samples: measure at least one call")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


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
    latencies: list[float] = field(default_factory=list)
    span: float = 0.0
    round_medians: list[float] = field(default_factory=list)


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
        samples.round_medians.append(statistics.median(latencies))


def _figure(samples: _Samples) -> Figure:
    latencies = samples.latencies
    return Figure(
        ops_per_second=len(latencies) / samples.span if samples.span > 0 else 0.0,
        p50_ms=percentile(latencies, 0.5) * 1000,
        p99_ms=percentile(latencies, 0.99) * 1000,
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
    operations: Sequence[tuple[Operation, Operation | None]],
    *,
    concurrency: int = 1,
    seconds: float = 1.0,
    rounds: int = 5,
    warmup: int = 20,
) -> list[Figure]:
    """Measure several ``(operation, prepare)`` alternately in ``rounds`` slices.

    Each first runs ``warmup`` untimed calls, then gets about ``seconds`` in
    total, in ``rounds`` slices taken in turn. Alternating slices expose every
    operation to the same machine load, which keeps ratios stable on a busy
    machine. Figures come back in the order of ``operations``.
    """
    for operation, prepare in operations:
        for _ in range(warmup):
            if prepare is not None:
                await prepare()
            await operation()
    samples = [_Samples() for _ in operations]
    for _ in range(rounds):
        for (operation, prepare), sample in zip(operations, samples, strict=True):
            await _run(operation, sample, concurrency, seconds / rounds, prepare)
    return [_figure(sample) for sample in samples]


__all__ = ["Figure", "Operation", "measure", "measure_interleaved", "percentile"]
