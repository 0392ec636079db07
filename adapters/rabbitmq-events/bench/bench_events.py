"""Benchmark: stepkit RabbitMQ events adapter vs raw aio-pika, measured in the same run.

* Throughput: N events emitted concurrently (publisher confirms) and handled
  (manual ack), first emit to last handler call, msgs/s.
* Latency: one event in flight at a time, emit call to handler start, p50/p99.

Raw aio-pika does the same work: a durable queue bound to a direct exchange,
persistent messages, confirms on publish, manual ack after the callback. The
two sides alternate throughput trials (best of each counts) and alternate
single events for latency (pooled), so load from other processes hits both
alike (harness: ``stepkit.conformance.benchkit.events``). Targets: throughput
>= 0.8x raw, p99 latency <= 1.5x raw. Prints PASS/MISS; always exits 0.

    python bench_events.py --url amqp://guest:guest@127.0.0.1:5672/
"""

from __future__ import annotations

import asyncio
import uuid

import aio_pika
from aio_pika.abc import AbstractExchange, AbstractIncomingMessage, AbstractQueue, AbstractRobustConnection

from stepkit.adapters.rabbitmq_events import RabbitMQEventAdapter
from stepkit.conformance.benchkit import events

PREFETCH = 100


class AioPikaSide(events.RawSide[str]):
    label = "aio-pika"

    async def setup(self) -> None:
        self.connection: AbstractRobustConnection = await aio_pika.connect_robust(self.config)
        publish = await self.connection.channel(publisher_confirms=True)
        consume = await self.connection.channel(publisher_confirms=False)
        await consume.set_qos(prefetch_count=PREFETCH)
        self.name = f"stepkit-bench-raw-{uuid.uuid4().hex[:8]}"
        self.exchange: AbstractExchange = await publish.declare_exchange(
            self.name, aio_pika.ExchangeType.DIRECT, durable=True
        )
        self.queue: AbstractQueue = await consume.declare_queue(self.name, durable=True)
        await self.queue.bind(self.name, routing_key="topic")
        self.tag = await self.queue.consume(self._on_message)

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        self.probe.hit()
        await message.ack()

    async def emit(self, i: int) -> None:
        body = f'{{"n":{i}}}'.encode()
        message = aio_pika.Message(body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT, message_id=uuid.uuid4().hex)
        await self.exchange.publish(message, "topic")

    async def teardown(self) -> None:
        await self.queue.cancel(self.tag)
        await self.queue.delete(if_unused=False, if_empty=False)
        await self.exchange.delete()
        await self.connection.close()


class RabbitSide(events.AdapterSide[RabbitMQEventAdapter]):
    async def remove_topology(self) -> None:
        connection = await aio_pika.connect(self.adapter.config.url)
        async with connection:
            channel = await connection.channel()
            for queue in self.adapter.topology.declared_queues:
                await channel.queue_delete(queue)
            for exchange in self.adapter.topology.declared_exchanges:
                await channel.exchange_delete(exchange)


async def main() -> None:
    parser = events.events_parser(
        __doc__ or "", variable="STEPKIT_RABBITMQ_URL", default_url="amqp://guest:guest@127.0.0.1:5672/"
    )
    args = parser.parse_args()
    plan = events.EventsPlan(count=args.count, rounds=args.rounds, trials=args.trials, window=200)
    options = {"url": args.url, "namespace": f"bench-{uuid.uuid4().hex[:8]}", "exchange_prefix": "stepkit-bench"}
    ours = RabbitSide(RabbitMQEventAdapter(options), concurrency=PREFETCH)
    result = await events.run_events(AioPikaSide(args.url), ours, plan)
    events.print_events_table("stepkit-rabbitmq-events bench", result, unit="msg/s")


if __name__ == "__main__":
    asyncio.run(main())
