"""Declaring the broker objects of a namespace (see ``naming`` for the names).

::

    emit ──► {ns}:events (direct, durable) ──key={topic}──► {group}:main | :fifo   ◄── consumers
                                           └─(delay>0)──► {group}:delay:{ms} ─TTL─┘
    failed (standard) ──► {ns}:retry:{ms} (fanout) ──► queue TTL=ms ─DLX ""/key=group queue─┘
    exhausted ──► {group}:dlq  (default exchange)        redrive: dlq ──► group queue

Everything is durable; every declaration is idempotent, so any instance may
declare any part at any time. Robust channels re-declare what they declared
after a reconnect.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aio_pika import ExchangeType
from aio_pika.abc import AbstractExchange, AbstractQueue, AbstractRobustChannel

from stepkit.adapters.rabbitmq_events.naming import GroupNames, Names
from stepkit.core.models.events import QueueConfig

ARG_SINGLE_ACTIVE = "x-single-active-consumer"
ARG_TTL = "x-message-ttl"
ARG_DLX = "x-dead-letter-exchange"
ARG_DLK = "x-dead-letter-routing-key"


@dataclass
class Topology:
    """Declares exchanges and queues and remembers every name it declared.

    ``declared_queues`` and ``declared_exchanges`` let operators and tests
    delete what an instance created.
    """

    names: Names
    declared_queues: set[str] = field(default_factory=set)
    declared_exchanges: set[str] = field(default_factory=set)

    async def events_exchange(self, channel: AbstractRobustChannel) -> AbstractExchange:
        """The namespace's durable direct events exchange."""
        name = self.names.exchange
        exchange = await channel.declare_exchange(name, ExchangeType.DIRECT, durable=True)
        self.declared_exchanges.add(name)
        return exchange

    async def _queue(
        self, channel: AbstractRobustChannel, name: str, arguments: dict[str, Any] | None = None
    ) -> AbstractQueue:
        queue = await channel.declare_queue(name, durable=True, arguments=arguments)
        self.declared_queues.add(name)
        return queue

    async def group(
        self, channel: AbstractRobustChannel, topic: str, subscriber: str, config: QueueConfig, delay_ms: int
    ) -> tuple[GroupNames, AbstractQueue]:
        """Declare a group's queues and binding; returns its names and the queue to consume.

        ``fifo`` groups consume a single-active-consumer queue. With ``delay_ms``
        the exchange feeds a TTL queue that dead-letters into the consumed queue.
        """
        group = self.names.group(topic, subscriber)
        fifo = config.type == "fifo"
        exchange = await self.events_exchange(channel)
        await self._queue(channel, group.dlq)
        consumed = await self._queue(channel, group.consume_queue(fifo), {ARG_SINGLE_ACTIVE: True} if fifo else None)
        entry = consumed
        if delay_ms > 0:
            entry = await self._queue(
                channel,
                group.delay(delay_ms),
                {ARG_TTL: delay_ms, ARG_DLX: "", ARG_DLK: consumed.name},
            )
        await entry.bind(exchange, routing_key=self.names.routing_key(topic))
        return group, consumed

    async def retry_bucket(self, channel: AbstractRobustChannel, delay_ms: int) -> AbstractExchange:
        """The fanout exchange of retry bucket ``delay_ms``, with its TTL queue bound.

        A message published there with routing key = a group queue's name waits
        ``delay_ms`` and is dead-lettered, keeping that key, through the default
        exchange back into that group queue.
        """
        name = self.names.retry(delay_ms)
        exchange = await channel.declare_exchange(name, ExchangeType.FANOUT, durable=True)
        self.declared_exchanges.add(name)
        queue = await self._queue(channel, name, {ARG_TTL: delay_ms, ARG_DLX: ""})
        await queue.bind(exchange, routing_key="")
        return exchange


__all__ = ["Topology"]
