"""The RabbitMQ events adapter: durable fan-out, competing consumers, retries, DLQ, FIFO, delay."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Mapping
from typing import Any, ClassVar

from aio_pika import RobustConnection
from aio_pika.abc import AbstractRobustConnection
from yarl import URL

from stepkit.adapters.rabbitmq_events import dlq, headers
from stepkit.adapters.rabbitmq_events.config import RabbitMQEventsConfig
from stepkit.adapters.rabbitmq_events.consumer import GroupConsumer
from stepkit.adapters.rabbitmq_events.errors import BACKEND, bounded
from stepkit.adapters.rabbitmq_events.naming import Names
from stepkit.adapters.rabbitmq_events.publisher import Publisher
from stepkit.adapters.rabbitmq_events.topology import Topology
from stepkit.core.capabilities import Capability
from stepkit.core.config import AdapterConfig
from stepkit.core.connection import LazyConnection
from stepkit.core.consumers import ConsumerRegistry, new_subscription
from stepkit.core.errors import AdapterError
from stepkit.core.models.events import Event, QueueConfig
from stepkit.core.protocols.events import EventAdapter, EventHandler, Subscription


async def _disconnect(connection: AbstractRobustConnection) -> None:
    await connection.close()


class RabbitMQEventAdapter(EventAdapter):
    """Events on RabbitMQ (aio-pika robust connection, publisher confirms).

    Guarantees, on top of :class:`~stepkit.core.protocols.events.EventAdapter`'s:

    * ``emit`` returns only after the broker confirmed the persistent message; a
      dead broker makes it fail with ``AdapterUnavailableError`` within
      ``operation_timeout`` (it never hangs and never counts as success).
    * Each ``(topic, subscriber)`` group has a durable queue created on its first
      subscribe, so events reach it while every member is offline (``DURABLE``).
    * Delivery is acked only after the handler returned; failures are retried
      through delay queues with the group's backoff, then dead-lettered.
    * After a connection loss the robust connection re-declares the topology and
      consumers; unacked deliveries are redelivered by the broker.

    Mechanisms and limits are described in the package README.
    """

    name: ClassVar[str] = "rabbitmq"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {Capability.DURABLE, Capability.FIFO, Capability.DLQ, Capability.DELAY, Capability.CROSS_PROCESS}
    )
    config_model: ClassVar[type[AdapterConfig]] = RabbitMQEventsConfig
    config: RabbitMQEventsConfig

    def __init__(self, config: AdapterConfig | Mapping[str, Any] | None = None) -> None:
        super().__init__(config)
        settings = self.config
        self.names = Names(settings.exchange_prefix, settings.namespace)
        self.topology = Topology(self.names)
        self.connection_name = settings.connection_name or f"stepkit-events:{uuid.uuid4().hex[:16]}"
        self._connection: LazyConnection[AbstractRobustConnection] = LazyConnection(
            self._connect, _disconnect, backend=BACKEND, connect_timeout=settings.connect_timeout
        )
        self._publisher = Publisher(self._connection, self.topology)
        self._consumers: ConsumerRegistry[GroupConsumer] = ConsumerRegistry()

    # -- connection -------------------------------------------------------------
    async def _connect(self) -> AbstractRobustConnection:
        connection = RobustConnection(
            URL(self.config.url),
            client_properties={"connection_name": self.connection_name},
            reconnect_interval=self.config.reconnect_interval,
        )
        try:
            await connection.connect(timeout=self.config.connect_timeout)
        except BaseException:
            with contextlib.suppress(Exception):
                await asyncio.shield(connection.close())
            raise
        return connection

    async def _open(self) -> None:
        async with bounded(self.config.operation_timeout, "open"):
            await self._publisher.emit_ready()

    async def is_healthy(self) -> bool:
        """True when the broker is connected and answers within ``operation_timeout``."""
        if self.closed:
            return False
        try:
            async with bounded(self.config.operation_timeout, "health check"):
                await self._publisher.ping()
        except AdapterError:
            return False
        return True

    # -- hooks --------------------------------------------------------------------
    async def _emit(self, event: Event, fifo: bool) -> None:
        message = headers.encode(event, max_bytes=self.config.max_message_bytes)
        async with bounded(self.config.operation_timeout, "emit"):
            await self._publisher.emit(message, self.names.routing_key(event.topic))

    async def _subscribe(self, topic: str, subscriber: str, handler: EventHandler, config: QueueConfig) -> Subscription:
        subscription = new_subscription(topic, subscriber, handler, config)
        consumer = GroupConsumer(
            subscription,
            connection=self._connection,
            topology=self.topology,
            publisher=self._publisher,
            prefetch=self.config.prefetch,
            operation_timeout=self.config.operation_timeout,
            drain_timeout=self.config.drain_timeout,
        )
        async with bounded(self.config.operation_timeout, f"subscribe {subscriber!r} to {topic!r}"):
            await consumer.start()
        self._consumers.add(subscription, consumer)
        return subscription

    async def _unsubscribe(self, subscription: Subscription) -> None:
        await self._consumers.stop(subscription)

    async def _dlq_count(self, topic: str, subscriber: str) -> int:
        async with bounded(self.config.operation_timeout, "dlq_count"):
            connection = await self._connection.get()
        return await dlq.count(connection, self.names.group(topic, subscriber), self.config.operation_timeout)

    async def _redrive_dlq(self, topic: str, subscriber: str) -> int:
        group = self.names.group(topic, subscriber)
        async with bounded(self.config.operation_timeout, "redrive_dlq"):
            connection = await self._connection.get()
        return await dlq.redrive(connection, self._publisher, group, group.main, self.config.operation_timeout)

    async def _close(self) -> None:
        """Drain every subscription (bounded by ``drain_timeout``), then close the connection."""
        await self._consumers.stop_all()
        with contextlib.suppress(Exception):
            async with asyncio.timeout(self.config.operation_timeout):
                await self._publisher.close()
        await self._connection.close()


__all__ = ["RabbitMQEventAdapter"]
