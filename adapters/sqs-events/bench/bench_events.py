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
latency (pooled), so load from other processes hits both alike (harness:
``stepkit.conformance.benchkit.events``). moto slows down as queues grow, so
trials are small. Targets: throughput >= 0.8x raw, p99 latency <= 1.5x raw.
Prints PASS/MISS; always exits 0.

    STEPKIT_SQS_URL=http://127.0.0.1:5000 python bench_events.py
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from typing import Any

import aioboto3  # type: ignore[import-untyped]

from stepkit.adapters.sqs_events import SqsEventAdapter
from stepkit.conformance.benchkit import events

WINDOW = 50
CONCURRENCY = 10
REGION = "us-east-1"
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


class Boto3Side(events.RawSide[str]):
    label = "aioboto3"

    async def setup(self) -> None:
        self.stack = contextlib.AsyncExitStack()
        session = aioboto3.Session(region_name=REGION, **KEYS)
        self.sqs: Any = await self.stack.enter_async_context(session.client("sqs", endpoint_url=self.config))
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


class SqsSide(events.AdapterSide[SqsEventAdapter]):
    async def remove_topology(self) -> None:
        # The adapter keeps queues (durable groups); a bench removes what it created.
        session = aioboto3.Session(region_name=REGION, **KEYS)
        names = self.adapter.names.group(events.TOPIC, events.SUBSCRIBER, False)
        sqs_client = session.client("sqs", endpoint_url=self.adapter.config.url)
        sns_client = session.client("sns", endpoint_url=self.adapter.config.url)
        async with sqs_client as sqs, sns_client as sns:
            for name in (names.queue, names.dlq):
                url = (await sqs.get_queue_url(QueueName=name))["QueueUrl"]
                await sqs.delete_queue(QueueUrl=url)
            topic = await sns.create_topic(
                Name=self.adapter.names.topic(events.TOPIC), Attributes={"FifoTopic": "true"}
            )
            await sns.delete_topic(TopicArn=topic["TopicArn"])


async def main() -> None:
    parser = events.events_parser(
        __doc__ or "", variable="STEPKIT_SQS_URL", default_url="http://127.0.0.1:5000", count=300, rounds=100, trials=3
    )
    args = parser.parse_args()
    plan = events.EventsPlan(
        count=args.count, rounds=args.rounds, trials=args.trials, window=WINDOW, warmup_count=50, warmup_rounds=10
    )
    options = {"url": args.url, "namespace": f"bench-{uuid.uuid4().hex[:8]}", "name_prefix": "stepkit-bench"}
    ours = SqsSide(SqsEventAdapter(options), concurrency=CONCURRENCY)
    result = await events.run_events(Boto3Side(args.url), ours, plan)
    events.print_events_table(f"stepkit-sqs-events bench (against {args.url})", result, unit="msg/s")


if __name__ == "__main__":
    asyncio.run(main())
