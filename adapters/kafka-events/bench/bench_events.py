"""Benchmark: stepkit Kafka events adapter vs raw aiokafka, measured in the same run.

* Throughput: N events emitted concurrently (each acknowledged, ``acks=all``) and
  handled, first emit to last handler call, events/s.
* Latency: one event in flight at a time, emit call to handler start, p50/p99.

Raw aiokafka does the same work: a producer with ``acks=all`` and a consumer in
a group with auto-commit off that commits after each fetched batch was handled
(the same at-least-once guarantee), both on a topic with the same partition
count and fetch settings. The sides alternate throughput trials (best of each
counts) and alternate single events for latency (pooled), so load from other
processes hits both alike (harness: ``stepkit.conformance.benchkit.events``).
Targets: throughput >= 0.8x raw, p99 latency <= 1.5x raw. Prints PASS/MISS;
always exits 0.

    STEPKIT_KAFKA_URL=kafka://127.0.0.1:9092 python bench_events.py [--broker-quirks auto|none|tansu]
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer  # type: ignore[import-untyped]
from aiokafka.admin import AIOKafkaAdminClient, NewTopic  # type: ignore[import-untyped]

from stepkit.adapters.kafka_events import KafkaEventAdapter, KafkaEventsConfig
from stepkit.conformance.benchkit import events

CONCURRENCY = 100
PARTITIONS = 4


class AioKafkaSide(events.RawSide[KafkaEventsConfig]):
    label = "aiokafka"

    async def setup(self) -> None:
        servers = self.config.bootstrap_servers
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
            fetch_max_wait_ms=int(self.config.fetch_max_wait * 1000),
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


class KafkaSide(events.AdapterSide[KafkaEventAdapter]):
    async def remove_topology(self) -> None:
        group = self.adapter.names.group(events.TOPIC, events.SUBSCRIBER)
        admin = AIOKafkaAdminClient(bootstrap_servers=self.adapter.config.bootstrap_servers)
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


async def main() -> None:
    parser = events.events_parser(__doc__ or "", variable="STEPKIT_KAFKA_URL", default_url="kafka://127.0.0.1:9092")
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
    plan = events.EventsPlan(count=args.count, rounds=args.rounds, trials=args.trials, window=200)
    result = await events.run_events(
        AioKafkaSide(settings), KafkaSide(KafkaEventAdapter(settings), concurrency=CONCURRENCY), plan
    )
    events.print_events_table(
        f"stepkit-kafka-events bench ({args.url}, broker_quirks={settings.broker_quirks}, "
        f"fetch_max_wait={settings.fetch_max_wait:g}s)",
        result,
        unit="ev/s",
    )


if __name__ == "__main__":
    asyncio.run(main())
