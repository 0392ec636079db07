"""The Kafka events adapter: consumer groups, commit after success, retry and DLQ topics, FIFO, delay."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, ClassVar

from stepkit.adapters.kafka_events import codec, dlq
from stepkit.adapters.kafka_events.clients import Clients
from stepkit.adapters.kafka_events.config import KafkaEventsConfig
from stepkit.adapters.kafka_events.consumer import GroupConsumer
from stepkit.adapters.kafka_events.errors import bounded, translate
from stepkit.adapters.kafka_events.naming import Names
from stepkit.core.capabilities import Capability
from stepkit.core.config import AdapterConfig
from stepkit.core.consumers import ConsumerRegistry, new_subscription
from stepkit.core.deadline import SharedDeadline
from stepkit.core.errors import AdapterError
from stepkit.core.models.events import Event, QueueConfig
from stepkit.core.protocols.events import EventAdapter, EventHandler, Subscription


class KafkaEventAdapter(EventAdapter):
    """Events on Kafka (aiokafka 0.14).

    Guarantees, on top of :class:`~stepkit.core.protocols.events.EventAdapter`'s:

    * ``emit`` returns once the broker acknowledged the record (``acks=all``); a
      dead broker makes it fail with ``AdapterUnavailableError`` within
      ``operation_timeout``. An emit that failed that way may still have been
      written (the outcome is unknown), never reported as a success.
    * A subscriber is a consumer group. ``subscribe`` returns after the group's
      start position is committed, so every later emit reaches the group, also
      while it has no member online (``DURABLE``, as long as the broker keeps
      its data).
    * Offsets are committed only after the handler returned (or a confirmed copy
      went to the retry or dead-letter topic); failures are retried through a
      per-group retry topic with the group's backoff, then dead-lettered.
    * FIFO: the record key is the message group id, so a message group stays on
      one partition; its events are handled one at a time, in order, also across
      retries; different message groups run in parallel.
    * The producer, the admin client and the consumers reconnect by themselves;
      topics are re-created when the broker lost them.

    Mechanisms and limits are described in the package README.
    """

    name: ClassVar[str] = "kafka"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {Capability.DURABLE, Capability.FIFO, Capability.DLQ, Capability.DELAY, Capability.CROSS_PROCESS}
    )
    config_model: ClassVar[type[AdapterConfig]] = KafkaEventsConfig
    config: KafkaEventsConfig

    def __init__(self, config: AdapterConfig | Mapping[str, Any] | None = None) -> None:
        super().__init__(config)
        self.names = Names(self.config.topic_prefix, self.config.namespace)
        self.clients = Clients(self.config)
        self._consumers: ConsumerRegistry[GroupConsumer] = ConsumerRegistry()
        self._topic_names: dict[str, str] = {}
        self._emit_deadline = SharedDeadline(self.config.operation_timeout)

    async def _open(self) -> None:
        async with bounded(self.config.operation_timeout, "open"):
            await self.clients.producer.get()

    async def is_healthy(self) -> bool:
        """True when the broker answers a metadata request within ``operation_timeout``."""
        if self.closed:
            return False
        try:
            async with bounded(self.config.operation_timeout, "health check"):
                admin = await self.clients.admin.get()
                await admin.describe_cluster()
        except AdapterError:
            return False
        return True

    # -- hooks --------------------------------------------------------------------
    async def _emit(self, event: Event, fifo: bool) -> None:
        record = codec.encode(event, max_bytes=self.config.max_message_bytes)
        topic = self._topic_names.get(event.topic)
        if topic is None:
            topic = self._topic_names[event.topic] = self.names.events(event.topic)
        # Hot path: one shared timer bounds every running emit (core SharedDeadline), and the
        # core's error translation, without a context-manager generator.
        try:
            async with self._emit_deadline.bound():
                if not self.clients.knows(topic):
                    await self.clients.ensure_topics({topic: self.config.partitions})
                await self.clients.produce(topic, record)
        except AdapterError:
            raise
        except Exception as exc:
            raise translate(exc, self._emit_deadline.timeout, f"emit on {event.topic!r}") from exc

    async def _subscribe(self, topic: str, subscriber: str, handler: EventHandler, config: QueueConfig) -> Subscription:
        subscription = new_subscription(topic, subscriber, handler, config)
        consumer = GroupConsumer(subscription, self.names.group(topic, subscriber), self.clients)
        try:
            async with bounded(self.config.operation_timeout, f"subscribe {subscriber!r} to {topic!r}"):
                await consumer.start()
        except BaseException:
            await asyncio.shield(consumer.stop())
            raise
        self._consumers.add(subscription, consumer)
        return subscription

    async def _unsubscribe(self, subscription: Subscription) -> None:
        await self._consumers.stop(subscription)

    async def _dlq_count(self, topic: str, subscriber: str) -> int:
        async with bounded(self.config.operation_timeout, "dlq_count"):
            return await dlq.count(self.clients, self.names.group(topic, subscriber))

    async def _redrive_dlq(self, topic: str, subscriber: str) -> int:
        timeout = self.config.operation_timeout
        async with bounded(timeout * 4, "redrive_dlq"):
            return await dlq.redrive(self.clients, self.names.group(topic, subscriber), timeout * 3)

    async def _close(self) -> None:
        """Drain every subscription (bounded by ``drain_timeout``), then close the clients."""
        await self._consumers.stop_all()
        await self.clients.close()


__all__ = ["KafkaEventAdapter"]
