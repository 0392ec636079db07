"""Benchmark: stepkit SQS events adapter vs raw aioboto3, measured in the same run.

* Throughput: N events emitted concurrently (in windows) and handled, first
  emit to last handler call, msgs/s.
* Latency: one event in flight at a time, emit call to handler start, p50/p99.

Raw aioboto3 does the plain SQS work: ``SendMessage`` to a standard queue, one
poll loop with ``ReceiveMessage`` (10 per call, 1 s long poll) and a
``DeleteMessage`` per message after the callback. The adapter does its whole
path: ``Publish`` to the SNS FIFO topic (raw delivery to the group's queue),
receive with visibility lease, handler, delete. The two sides alternate
throughput trials (best of each counts) and alternate single events for
latency (pooled), so load from other processes hits both alike. moto slows
down as queues grow, so trials are small. Targets: throughput >= 0.8x raw, p99
latency <= 1.5x raw. Prints PASS/MISS; always exits 0.

    STEPKIT_SQS_URL=http://127.0.0.1:5000 python bench_events.py
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

import aioboto3  # type: ignore[import-untyped]

from stepkit.adapters.sqs_events import SqsEventAdapter
from stepkit.core import Event, QueueConfig

WINDOW = 50
CONCURRENCY = 10
REGION = "us-east-1"
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


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

    def __init__(self, url: str) -> None:
        self.url = url
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
    label = "aioboto3"

    async def setup(self) -> None:
        self.stack = contextlib.AsyncExitStack()
        session = aioboto3.Session(region_name=REGION, **KEYS)
        self.sqs: Any = await self.stack.enter_async_context(session.client("sqs", endpoint_url=self.url))
        name = f"stepkit-bench-raw-{uuid.uuid4().hex[:8]}"
        self.queue = (await self.sqs.create_queue(QueueName=name))["QueueUrl"]
        self.poller = asyncio.create_task(self._poll())

    async def _poll(self) -> None:
        while True:
            reply = await self.sqs.receive_message(QueueUrl=self.queue, MaxNumberOfMessages=10, WaitTimeSeconds=1)
            messages = reply.get("Messages", [])
            for _ in messages:
                self.probe.hit()
            await asyncio.gather(
                *(self.sqs.delete_message(QueueUrl=self.queue, ReceiptHandle=m["ReceiptHandle"]) for m in messages)
            )

    async def emit(self, i: int) -> None:
        await self.sqs.send_message(QueueUrl=self.queue, MessageBody=f'{{"n":{i}}}')

    async def teardown(self) -> None:
        self.poller.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.poller
        await self.sqs.delete_queue(QueueUrl=self.queue)
        await self.stack.aclose()


class AdapterSide(Side):
    label = "stepkit"

    async def setup(self) -> None:
        self.adapter = SqsEventAdapter(
            {"url": self.url, "namespace": f"bench-{uuid.uuid4().hex[:8]}", "name_prefix": "stepkit-bench"}
        )
        await self.adapter.open()
        await self.adapter.subscribe("topic", "bench", self._handle, QueueConfig(concurrency=CONCURRENCY))

    async def _handle(self, event: Event) -> None:
        self.probe.hit()

    async def emit(self, i: int) -> None:
        await self.adapter.emit(Event(topic="topic", data={"n": i}))

    async def teardown(self) -> None:
        await self.adapter.close()
        # The adapter keeps queues (durable groups); a bench removes what it created.
        session = aioboto3.Session(region_name=REGION, **KEYS)
        names = self.adapter.names.group("topic", "bench", False)
        sqs_client = session.client("sqs", endpoint_url=self.url)
        sns_client = session.client("sns", endpoint_url=self.url)
        async with sqs_client as sqs, sns_client as sns:
            for name in (names.queue, names.dlq):
                url = (await sqs.get_queue_url(QueueName=name))["QueueUrl"]
                await sqs.delete_queue(QueueUrl=url)
            topic = await sns.create_topic(Name=self.adapter.names.topic("topic"), Attributes={"FifoTopic": "true"})
            await sns.delete_topic(TopicArn=topic["TopicArn"])


def _p(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _row(label: str, ours: float, raw: float, unit: str, ratio: float, target: str, ok: bool | None) -> str:
    verdict = "" if ok is None else ("PASS" if ok else "MISS")
    return f"{label:<28}{ours:>10.2f}{raw:>10.2f}  {unit:<6}{ratio:>7.2f}x  {target:<9}{verdict}"


async def main() -> None:
    parser = argparse.ArgumentParser(description="stepkit SQS events adapter vs raw aioboto3")
    parser.add_argument("--url", default=os.environ.get("STEPKIT_SQS_URL", "http://127.0.0.1:5000"))
    parser.add_argument("--count", type=int, default=300, help="events per throughput trial")
    parser.add_argument("--rounds", type=int, default=100, help="one-in-flight events per latency trial")
    parser.add_argument("--trials", type=int, default=3, help="alternating trials per side")
    args = parser.parse_args()

    sides: list[Side] = [RawSide(args.url), AdapterSide(args.url)]
    throughput: dict[str, list[float]] = {side.label: [] for side in sides}
    latency: dict[str, list[float]] = {side.label: [] for side in sides}
    for side in sides:
        await side.setup()
    try:
        for side in sides:  # warm-up: clients, connections, topology
            await side.throughput(50)
        await latencies(sides, 10)
        for _ in range(args.trials):
            for side in sides:
                throughput[side.label].append(await side.throughput(args.count))
            for label, samples in (await latencies(sides, args.rounds)).items():
                latency[label].extend(samples)
    finally:
        for side in sides:
            await side.teardown()

    ours_tp, raw_tp = max(throughput["stepkit"]), max(throughput["aioboto3"])
    ours_lat, raw_lat = latency["stepkit"], latency["aioboto3"]
    ms = 1000.0
    print(
        f"stepkit-sqs-events bench (against {args.url}): {args.trials} alternating trials, "
        f"{args.count} events/throughput trial, {args.rounds} latency rounds/trial"
    )
    print(f"{'metric':<28}{'stepkit':>10}{'aioboto3':>10}  {'unit':<6}{'ratio':>8}  {'target':<9}result")
    tp_ratio = ours_tp / raw_tp
    print(_row("throughput emit->handler", ours_tp, raw_tp, "msg/s", tp_ratio, ">= 0.8x", tp_ratio >= 0.8))
    p50 = statistics.median(ours_lat), statistics.median(raw_lat)
    print(_row("latency p50, 1 in flight", p50[0] * ms, p50[1] * ms, "ms", p50[0] / p50[1], "-", None))
    p99 = _p(ours_lat, 0.99), _p(raw_lat, 0.99)
    p99_ratio = p99[0] / p99[1]
    print(_row("latency p99, 1 in flight", p99[0] * ms, p99[1] * ms, "ms", p99_ratio, "<= 1.5x", p99_ratio <= 1.5))


if __name__ == "__main__":
    asyncio.run(main())
