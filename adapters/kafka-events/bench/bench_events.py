"""Benchmark: stepkit Kafka events adapter vs raw aiokafka, measured in the same run.

* Throughput: N events emitted concurrently (each acknowledged, ``acks=all``) and
  handled, first emit to last handler call, events/s.
* Latency: one event in flight at a time, emit call to handler start, p50/p99.

Raw aiokafka does the same work: a producer with ``acks=all`` and a consumer in
a group with auto-commit off that commits after each fetched batch was handled
(the same at-least-once guarantee), both on a topic with the same partition
count and fetch settings. The sides alternate throughput trials (best of each
counts) and alternate single events for latency (pooled), so load from other
processes hits both alike. Targets: throughput >= 0.8x raw, p99 latency <= 1.5x
raw. Prints PASS/MISS; always exits 0.

    STEPKIT_KAFKA_URL=kafka://127.0.0.1:9092 python bench_events.py [--broker-quirks auto|none|tansu]
"""

from __future__ import annotations

import abc
import argparse
import asyncio
import contextlib
import os
import statistics
import time
import uuid
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer  # type: ignore[import-untyped]
from aiokafka.admin import AIOKafkaAdminClient, NewTopic  # type: ignore[import-untyped]

from stepkit.adapters.kafka_events import KafkaEventAdapter, KafkaEventsConfig
from stepkit.core import Event, QueueConfig

WINDOW = 200
CONCURRENCY = 100
PARTITIONS = 4


class Probe:
    """Arrival times of handled events, and a signal per arrival."""

    def __init__(self) -> None:
        self.arrived: list[float] = []
        self.target = 10**9
        self.all_done = asyncio.Event()
        self.one = asyncio.Event()

    def reset(self, target: int) -> None:
        self.arrived.clear()
        self.target = target
        self.all_done.clear()
        self.one.clear()

    def hit(self) -> None:
        self.arrived.append(time.perf_counter())
        self.one.set()
        if len(self.arrived) >= self.target:
            self.all_done.set()


class Side(abc.ABC):
    """One contender: set up, emit one event, tear down."""

    label: str

    def __init__(self, settings: KafkaEventsConfig) -> None:
        self.settings = settings
        self.probe = Probe()

    @abc.abstractmethod
    async def setup(self) -> None: ...

    @abc.abstractmethod
    async def emit(self, i: int) -> None: ...

    @abc.abstractmethod
    async def teardown(self) -> None: ...

    async def throughput(self, count: int) -> float:
        self.probe.reset(count)
        start = time.perf_counter()
        for base in range(0, count, WINDOW):
            await asyncio.gather(*(self.emit(i) for i in range(base, min(base + WINDOW, count))))
        await asyncio.wait_for(self.probe.all_done.wait(), 120)
        return count / (time.perf_counter() - start)

    async def one_latency(self, i: int) -> float:
        """Seconds from the emit call to the handler, with nothing else in flight."""
        self.probe.one.clear()
        start = time.perf_counter()
        await self.emit(i)
        await asyncio.wait_for(self.probe.one.wait(), 30)
        return self.probe.arrived[-1] - start


async def latencies(sides: list[Side], rounds: int) -> dict[str, list[float]]:
    """Alternate single events between the sides so that background load hits both alike."""
    samples: dict[str, list[float]] = {side.label: [] for side in sides}
    for side in sides:
        side.probe.reset(10**9)
    for i in range(rounds):
        for side in sides:
            samples[side.label].append(await side.one_latency(i))
    return samples


class RawSide(Side):
    label = "aiokafka"

    async def setup(self) -> None:
        servers = self.settings.bootstrap_servers
        self.topic = f"stepkit-bench-raw-{uuid.uuid4().hex[:8]}"
        self.admin = AIOKafkaAdminClient(bootstrap_servers=servers)
        await self.admin.start()
        await self.admin.create_topics([NewTopic(self.topic, PARTITIONS, 1)])
        self.producer = AIOKafkaProducer(bootstrap_servers=servers, acks="all", linger_ms=0)
        await self.producer.start()
        self.consumer = AIOKafkaConsumer(
            self.topic,
            bootstrap_servers=servers,
            group_id=self.topic,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=int(self.settings.fetch_max_wait * 1000),
        )
        await self.consumer.start()
        self.task = asyncio.create_task(self._consume())

    async def _consume(self) -> None:
        while True:
            batches = await self.consumer.getmany(timeout_ms=100)
            for records in batches.values():
                for _ in records:
                    self.probe.hit()
            if batches:
                await self.consumer.commit()

    async def emit(self, i: int) -> None:
        await self.producer.send_and_wait(self.topic, f'{{"n":{i}}}'.encode(), headers=[("id", uuid.uuid4().bytes)])

    async def teardown(self) -> None:
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task
        await self.consumer.stop()
        await self.producer.stop()
        with contextlib.suppress(Exception):
            await self.admin.delete_topics([self.topic])
        await self.admin.close()


class AdapterSide(Side):
    label = "stepkit"

    async def setup(self) -> None:
        self.adapter = KafkaEventAdapter(self.settings)
        await self.adapter.open()
        await self.adapter.subscribe("topic", "bench", self._handle, QueueConfig(concurrency=CONCURRENCY))

    async def _handle(self, event: Event) -> None:
        self.probe.hit()

    async def emit(self, i: int) -> None:
        await self.adapter.emit(Event(topic="topic", data={"n": i}))

    async def teardown(self) -> None:
        await self.adapter.close()
        group = self.adapter.names.group("topic", "bench")
        admin = AIOKafkaAdminClient(bootstrap_servers=self.settings.bootstrap_servers)
        await admin.start()
        with contextlib.suppress(Exception):
            await admin.delete_topics([group.events, group.retry, group.dlq])
        await admin.close()


async def detect_quirks(url: str) -> str:
    """``tansu`` when the broker's cluster id names Tansu (its default is ``tansu_cluster``)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=KafkaEventsConfig(url=url).bootstrap_servers)
    await admin.start()
    try:
        cluster = await admin.describe_cluster()
    finally:
        await admin.close()
    return "tansu" if "tansu" in str(cluster.get("cluster_id", "")).lower() else "none"


def _p(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _row(label: str, ours: float, raw: float, unit: str, ratio: float, target: str, ok: bool | None) -> str:
    verdict = "" if ok is None else ("PASS" if ok else "MISS")
    return f"{label:<28}{ours:>10.2f}{raw:>10.2f}  {unit:<6}{ratio:>7.2f}x  {target:<9}{verdict}"


async def main() -> None:
    parser = argparse.ArgumentParser(description="stepkit Kafka events adapter vs raw aiokafka")
    parser.add_argument("--url", default=os.environ.get("STEPKIT_KAFKA_URL", "kafka://127.0.0.1:9092"))
    parser.add_argument(
        "--broker-quirks",
        choices=["auto", "none", "tansu"],
        default="auto",
        help="auto: 'tansu' when the cluster id names Tansu (the kit's broker), else 'none'",
    )
    parser.add_argument(
        "--fetch-max-wait",
        type=float,
        default=None,
        help="seconds a fetch may wait at the broker, both sides (default 0.5; 0.02 with Tansu, "
        "which holds fetches for much of that time even when records arrive)",
    )
    parser.add_argument("--count", type=int, default=3000, help="events per throughput trial")
    parser.add_argument("--rounds", type=int, default=200, help="one-in-flight events per latency trial")
    parser.add_argument("--trials", type=int, default=5, help="alternating trials per side")
    args = parser.parse_args()

    if args.broker_quirks == "auto":
        args.broker_quirks = await detect_quirks(args.url)
    options: dict[str, Any] = {
        "url": args.url,
        "namespace": f"bench-{uuid.uuid4().hex[:8]}",
        "topic_prefix": "stepkit-bench",
        "partitions": PARTITIONS,
        "broker_quirks": args.broker_quirks,
        "fetch_max_wait": args.fetch_max_wait
        if args.fetch_max_wait is not None
        else (0.02 if args.broker_quirks == "tansu" else 0.5),
    }
    settings = KafkaEventsConfig(**options)
    sides: list[Side] = [RawSide(settings), AdapterSide(settings)]
    throughput: dict[str, list[float]] = {side.label: [] for side in sides}
    latency: dict[str, list[float]] = {side.label: [] for side in sides}
    for side in sides:
        await side.setup()
    try:
        for side in sides:  # warm-up: connections, group joins, metadata
            await side.throughput(300)
        await latencies(sides, 20)
        for _ in range(args.trials):
            for side in sides:
                throughput[side.label].append(await side.throughput(args.count))
            for label, samples in (await latencies(sides, args.rounds)).items():
                latency[label].extend(samples)
    finally:
        for side in sides:
            await side.teardown()

    ours_tp, raw_tp = max(throughput["stepkit"]), max(throughput["aiokafka"])
    ours_lat, raw_lat = latency["stepkit"], latency["aiokafka"]
    ms = 1000.0
    print(
        f"stepkit-kafka-events bench ({args.url}, broker_quirks={settings.broker_quirks}, "
        f"fetch_max_wait={settings.fetch_max_wait:g}s): "
        f"{args.trials} alternating trials, "
        f"{args.count} events/throughput trial, {args.rounds} latency rounds/trial"
    )
    print(f"{'metric':<28}{'stepkit':>10}{'aiokafka':>10}  {'unit':<6}{'ratio':>8}  {'target':<9}result")
    tp_ratio = ours_tp / raw_tp
    print(_row("throughput emit->handler", ours_tp, raw_tp, "ev/s", tp_ratio, ">= 0.8x", tp_ratio >= 0.8))
    p50 = statistics.median(ours_lat), statistics.median(raw_lat)
    print(_row("latency p50, 1 in flight", p50[0] * ms, p50[1] * ms, "ms", p50[0] / p50[1], "-", None))
    p99 = _p(ours_lat, 0.99), _p(raw_lat, 0.99)
    p99_ratio = p99[0] / p99[1]
    print(_row("latency p99, 1 in flight", p99[0] * ms, p99[1] * ms, "ms", p99_ratio, "<= 1.5x", p99_ratio <= 1.5))


if __name__ == "__main__":
    asyncio.run(main())
