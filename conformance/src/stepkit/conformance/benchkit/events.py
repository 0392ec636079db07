"""The events benches' harness: emit->handler throughput and one-in-flight latency, two sides.

Each side (the adapter, the raw driver) emits numbered events and counts their
arrival at its handler through a :class:`Probe`.

* Throughput: ``count`` events emitted concurrently (``window`` at a time) and
  handled, first emit to last handler call, in events/s. The sides alternate
  trials; the best trial of each side counts.
* Latency: one event in flight at a time, emit call to handler start. The
  sides alternate single events; all rounds of all trials are pooled, then p50
  (median) and p99 (nearest rank) are taken.

Alternating keeps load from other processes hitting both sides alike.
Targets: throughput ``>= 0.8x`` raw, p99 latency ``<= 1.5x`` raw.
"""

from __future__ import annotations

import abc
import argparse
import asyncio
import os
import statistics
import time
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from stepkit.conformance.benchkit.measure import percentile
from stepkit.core import Event, QueueConfig
from stepkit.core.protocols.events import EventAdapter

TOPIC = "topic"
"""The topic both sides use."""

SUBSCRIBER = "bench"
"""The adapter side's subscriber group."""

THROUGHPUT_TARGET = 0.8
"""Adapter throughput must be at least this fraction of the raw driver's."""

P99_TARGET = 1.5
"""Adapter one-in-flight p99 latency must be at most this multiple of the raw driver's."""

_NEVER = 10**9


class Probe:
    """Arrival times of handled events, and a signal per arrival."""

    def __init__(self) -> None:
        self.arrived: list[float] = []
        self.target = _NEVER
        self.all_done = asyncio.Event()
        self.one = asyncio.Event()

    def reset(self, target: int) -> None:
        """Forget arrivals; ``all_done`` is set once ``target`` events have arrived."""
        self.arrived.clear()
        self.target = target
        self.all_done.clear()
        self.one.clear()

    def hit(self) -> None:
        """Record one handled event (call it from the handler, first thing)."""
        self.arrived.append(time.perf_counter())
        self.one.set()
        if len(self.arrived) >= self.target:
            self.all_done.set()


class Side(abc.ABC):
    """One contender: set up, emit one event, tear down. Its handler calls ``self.probe.hit()``."""

    label: str

    def __init__(self) -> None:
        self.probe = Probe()

    @abc.abstractmethod
    async def setup(self) -> None:
        """Connect and start consuming: from now on emitted events reach the handler."""

    @abc.abstractmethod
    async def emit(self, i: int) -> None:
        """Emit event number ``i``; returns once the backend has accepted it."""

    @abc.abstractmethod
    async def teardown(self) -> None:
        """Stop consuming and remove whatever :meth:`setup` created on the server."""

    async def throughput(self, count: int, window: int) -> float:
        """Events/s from the first emit to the last handler call, ``window`` emits in flight."""
        self.probe.reset(count)
        start = time.perf_counter()
        for base in range(0, count, window):
            await asyncio.gather(*(self.emit(i) for i in range(base, min(base + window, count))))
        await asyncio.wait_for(self.probe.all_done.wait(), 120)
        return count / (time.perf_counter() - start)

    async def one_latency(self, i: int) -> float:
        """Seconds from the emit call to the handler, with nothing else in flight."""
        self.probe.one.clear()
        start = time.perf_counter()
        await self.emit(i)
        await asyncio.wait_for(self.probe.one.wait(), 30)
        return self.probe.arrived[-1] - start


ConfigT = TypeVar("ConfigT")
AdapterT = TypeVar("AdapterT", bound=EventAdapter)


class RawSide(Side, Generic[ConfigT]):
    """The raw driver's side; ``config`` says where and how to connect (a URL or a settings object).

    Subclasses set ``label`` (the driver's name, a table column) and
    implement :meth:`setup`, :meth:`emit` and :meth:`teardown`.
    """

    def __init__(self, config: ConfigT) -> None:
        super().__init__()
        self.config = config


class AdapterSide(Side, Generic[AdapterT]):
    """The stepkit side: ``adapter`` with one group :data:`SUBSCRIBER` on :data:`TOPIC`.

    Its handler concurrency is ``concurrency``. Subclasses implement
    :meth:`remove_topology`, run after the adapter is closed, to delete what
    the adapter created on the server (``self.adapter.config`` says where).
    """

    label = "stepkit"

    def __init__(self, adapter: AdapterT, concurrency: int) -> None:
        super().__init__()
        self.adapter = adapter
        self.concurrency = concurrency

    async def setup(self) -> None:
        await self.adapter.open()
        await self.adapter.subscribe(TOPIC, SUBSCRIBER, self._handle, QueueConfig(concurrency=self.concurrency))

    async def _handle(self, event: Event) -> None:
        self.probe.hit()

    async def emit(self, i: int) -> None:
        await self.adapter.emit(Event(topic=TOPIC, data={"n": i}))

    async def teardown(self) -> None:
        await self.adapter.close()
        await self.remove_topology()

    @abc.abstractmethod
    async def remove_topology(self) -> None:
        """Delete the queues/topics/exchanges the adapter created (it keeps durable groups)."""


async def latencies(sides: list[Side], rounds: int) -> dict[str, list[float]]:
    """Alternate single events between the sides so that background load hits both alike."""
    samples: dict[str, list[float]] = {side.label: [] for side in sides}
    for side in sides:
        side.probe.reset(_NEVER)
    for i in range(rounds):
        for side in sides:
            samples[side.label].append(await side.one_latency(i))
    return samples


@dataclass(frozen=True)
class EventsPlan:
    """How much to measure: per trial ``count`` events for throughput and ``rounds`` latency events.

    Before the trials, each side handles ``warmup_count`` events and
    ``warmup_rounds`` single events, untimed (connections, declarations, caches).
    """

    count: int
    rounds: int
    trials: int
    window: int = 200
    warmup_count: int = 300
    warmup_rounds: int = 20


@dataclass
class EventsResult:
    """Every trial's throughput (events/s) and every latency sample (seconds), per side."""

    plan: EventsPlan
    raw_label: str
    throughput: dict[str, list[float]] = field(default_factory=dict)
    latency: dict[str, list[float]] = field(default_factory=dict)


async def run_events(raw: Side, ours: Side, plan: EventsPlan) -> EventsResult:
    """Set both sides up, warm them up, run ``plan.trials`` alternating trials, tear them down.

    Raw goes first in every alternation. Teardown runs for every side that
    was set up, whatever happened.
    """
    sides = [raw, ours]
    result = EventsResult(plan, raw.label, {s.label: [] for s in sides}, {s.label: [] for s in sides})
    ready: list[Side] = []
    try:
        for side in sides:
            await side.setup()
            ready.append(side)
        for side in sides:
            await side.throughput(plan.warmup_count, plan.window)
        await latencies(sides, plan.warmup_rounds)
        for _ in range(plan.trials):
            for side in sides:
                result.throughput[side.label].append(await side.throughput(plan.count, plan.window))
            for label, samples in (await latencies(sides, plan.rounds)).items():
                result.latency[label].extend(samples)
    finally:
        for side in ready:
            await side.teardown()
    return result


def _row(label: str, ours: float, raw: float, unit: str, ratio: float, target: str, ok: bool | None) -> str:
    verdict = "" if ok is None else ("PASS" if ok else "MISS")
    return f"{label:<28}{ours:>10.2f}{raw:>10.2f}  {unit:<6}{ratio:>7.2f}x  {target:<9}{verdict}"


def print_events_table(title: str, result: EventsResult, unit: str) -> None:
    """Print best throughput and pooled p50/p99 latency of both sides, ratios (stepkit / raw), PASS/MISS."""
    plan, raw_label = result.plan, result.raw_label
    print(
        f"{title}: {plan.trials} alternating trials, "
        f"{plan.count} events/throughput trial, {plan.rounds} latency rounds/trial"
    )
    print(f"{'metric':<28}{'stepkit':>10}{raw_label:>10}  {'unit':<6}{'ratio':>8}  {'target':<9}result")
    ours_tp, raw_tp = max(result.throughput[AdapterSide.label]), max(result.throughput[raw_label])
    ours_lat, raw_lat = result.latency[AdapterSide.label], result.latency[raw_label]
    ms = 1000.0
    tp_ratio = ours_tp / raw_tp
    tp_target = f">= {THROUGHPUT_TARGET:g}x"
    print(_row("throughput emit->handler", ours_tp, raw_tp, unit, tp_ratio, tp_target, tp_ratio >= THROUGHPUT_TARGET))
    p50 = statistics.median(ours_lat), statistics.median(raw_lat)
    print(_row("latency p50, 1 in flight", p50[0] * ms, p50[1] * ms, "ms", p50[0] / p50[1], "-", None))
    p99 = percentile(ours_lat, 0.99), percentile(raw_lat, 0.99)
    p99_ratio = p99[0] / p99[1]
    p99_target = f"<= {P99_TARGET:g}x"
    print(
        _row("latency p99, 1 in flight", p99[0] * ms, p99[1] * ms, "ms", p99_ratio, p99_target, p99_ratio <= P99_TARGET)
    )


def events_parser(
    description: str, *, variable: str, default_url: str, count: int = 3000, rounds: int = 200, trials: int = 5
) -> argparse.ArgumentParser:
    """``--url`` (default ``$variable`` or ``default_url``), ``--count``, ``--rounds``, ``--trials``.

    Returns the parser so that a bench can add its own options.
    """
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get(variable, default_url))
    parser.add_argument("--count", type=int, default=count, help="events per throughput trial")
    parser.add_argument("--rounds", type=int, default=rounds, help="one-in-flight events per latency trial")
    parser.add_argument("--trials", type=int, default=trials, help="alternating trials per side")
    return parser


__all__ = [
    "P99_TARGET",
    "SUBSCRIBER",
    "THROUGHPUT_TARGET",
    "TOPIC",
    "AdapterSide",
    "EventsPlan",
    "EventsResult",
    "Probe",
    "RawSide",
    "Side",
    "events_parser",
    "latencies",
    "print_events_table",
    "run_events",
]
