"""``InProcessEventAdapter``: the full events contract within one process."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Mapping
from typing import Any, ClassVar

from stepkit.core.capabilities import Capability
from stepkit.core.config import AdapterConfig
from stepkit.core.defaults.event_broker import EventBroker
from stepkit.core.defaults.event_consumer import Consumer
from stepkit.core.defaults.memory_backend import MemoryBackend, open_store
from stepkit.core.defaults.memory_config import InProcessEventsConfig
from stepkit.core.json_codec import check_json
from stepkit.core.models.events import Event, QueueConfig
from stepkit.core.protocols.events import EventAdapter, EventHandler, Subscription

logger = logging.getLogger("stepkit.core.defaults.events")


class InProcessEventAdapter(EventAdapter):
    """Topics, subscriber groups and queues in this process's memory.

    Instances on the same backend object (or equal ``store``) and namespace
    are instances of one broker. Guarantees:

    * Fan-out: a group's queue exists from its first ``subscribe`` (on any
      instance); every later emit on the topic, from any instance, lands in it.
    * Competing consumers: the group's subscriptions (on any instance) share
      its queue; each event is claimed by one of them at a time and, without
      failures, handled exactly once per group.
    * At-least-once: a raising (or cancelled) handler leads to redelivery
      after ``QueueConfig.backoff``; after ``max_retries`` redeliveries the
      event is dead-lettered (``DLQ``: ``dlq_count``, ``redrive_dlq``). Other
      events keep flowing meanwhile.
    * ``FIFO``: one event at a time per message group, in emit order, across
      retries; groups run in parallel. ``DELAY``: ``delay_seconds`` defers
      each event's first delivery.
    * Concurrency: at most ``concurrency`` handlers per subscription.
    * Visibility: the adapter owns its handlers, so an event stays invisible
      for as long as its handler runs, however long (``visibility_timeout``
      is accepted and has no further effect); it is redelivered only after
      the handler fails or is cut off by a stop.
    * ``DURABLE`` (for the life of the process): the group queue keeps events
      while no member is subscribed; they arrive when one subscribes again.
    * Clean stops: ``unsubscribe``/``close`` stop claiming, let in-flight
      handlers finish for up to ``drain_timeout`` seconds, then cancel them and
      requeue their events. Queued events are never dropped.
    * :meth:`drain` (for a process about to exit, e.g. on SIGTERM): keeps
      consuming until the queues of this adapter's subscriptions are empty or
      the timeout passes, and logs at ERROR how many events were left.
      ``close`` logs at ERROR what stays queued in a group left with no member.

    Nothing survives the process. Subscriptions run on the event loop they
    were made on.
    """

    name: ClassVar[str] = "inprocess"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {Capability.FIFO, Capability.DLQ, Capability.DELAY, Capability.DURABLE}
    )
    config_model: ClassVar[type[AdapterConfig]] = InProcessEventsConfig

    def __init__(
        self, config: AdapterConfig | Mapping[str, Any] | None = None, *, backend: MemoryBackend | None = None
    ) -> None:
        super().__init__(config)
        assert isinstance(self.config, InProcessEventsConfig)
        self._drain_timeout = self.config.drain_timeout
        settings = self.config
        self.backend, self._broker = open_store(backend, settings.store, "events", settings.namespace, EventBroker)
        self._consumers: dict[str, Consumer] = {}

    async def _emit(self, event: Event, fifo: bool) -> None:
        check_json(event.data, f"data of event on topic {event.topic!r}")
        self._broker.emit(event.model_copy(update={"attempt": 1}, deep=True), fifo)

    async def _subscribe(self, topic: str, subscriber: str, handler: EventHandler, config: QueueConfig) -> Subscription:
        subscription = Subscription(
            id=uuid.uuid4().hex, topic=topic, subscriber=subscriber, queue_config=config, handler=handler
        )
        queue = self._broker.group(topic, subscriber, config)
        self._consumers[subscription.id] = Consumer(subscription.id, queue, handler, config)
        return subscription

    async def _unsubscribe(self, subscription: Subscription) -> None:
        consumer = self._consumers.pop(subscription.id, None)
        if consumer is not None:
            await consumer.stop(self._drain_timeout)

    async def _dlq_count(self, topic: str, subscriber: str) -> int:
        queue = self._broker.find(topic, subscriber)
        return 0 if queue is None else queue.dlq_count()

    async def _redrive_dlq(self, topic: str, subscriber: str) -> int:
        queue = self._broker.find(topic, subscriber)
        return 0 if queue is None else queue.redrive()

    async def drain(self, timeout: float) -> int:
        """Keep consuming until every queue this adapter subscribes to is empty, or ``timeout`` seconds pass.

        Returns how many events were still queued or in flight at the end
        (0 = everything was handled); a non-zero count is logged at ERROR per
        group, naming the topic and the subscriber.
        """
        consumers = list(self._consumers.values())
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(0.0, timeout)
        await asyncio.gather(*(consumer.drain(deadline) for consumer in consumers))
        left = 0
        for queue in {id(consumer.queue): consumer.queue for consumer in consumers}.values():
            queued, in_flight = queue.backlog()
            if queued or in_flight:
                left += queued + in_flight
                logger.error(
                    "drain bound of %.1fs reached: group %r on topic %r still has %d queued and %d in-flight event(s)",
                    timeout,
                    queue.subscriber,
                    queue.topic,
                    queued,
                    in_flight,
                )
        return left

    async def _close(self) -> None:
        consumers, self._consumers = list(self._consumers.values()), {}
        await asyncio.gather(*(consumer.stop(self._drain_timeout) for consumer in consumers))
        for queue in {id(consumer.queue): consumer.queue for consumer in consumers}.values():
            queued, in_flight = queue.backlog()
            if queue.members() == 0 and (queued or in_flight):
                logger.error(
                    "closed with %d event(s) of group %r on topic %r still queued and no member left to handle them; "
                    "they are lost when this process exits",
                    queued + in_flight,
                    queue.subscriber,
                    queue.topic,
                )


__all__ = ["InProcessEventAdapter"]
