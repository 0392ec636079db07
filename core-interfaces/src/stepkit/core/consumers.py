"""The running group consumers of an events adapter, by subscription.

Backend events adapters run one consumer object per :class:`Subscription`; this registry holds
the subscribe / unsubscribe / close bookkeeping they share.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Generic, Protocol, TypeVar

from stepkit.core.models.events import QueueConfig
from stepkit.core.protocols.events import EventHandler, Subscription


class StoppableConsumer(Protocol):
    """A consumer whose ``stop()`` drains its in-flight deliveries and is safe to call twice."""

    async def stop(self) -> None:
        """Stop consuming and drain (bounded by the adapter's ``drain_timeout``)."""


C = TypeVar("C", bound=StoppableConsumer)


def new_subscription(topic: str, subscriber: str, handler: EventHandler, config: QueueConfig) -> Subscription:
    """A :class:`Subscription` with a fresh random id (unique per subscribe call)."""
    return Subscription(id=uuid.uuid4().hex, topic=topic, subscriber=subscriber, queue_config=config, handler=handler)


class ConsumerRegistry(Generic[C]):
    """The consumers of one adapter instance, keyed by subscription id.

    Guarantees: :meth:`stop` stops a consumer at most once through the registry (it is
    removed first); :meth:`stop_all` empties the registry before stopping, so a consumer
    registered while it drains is not lost to a concurrent snapshot, and stops every
    consumer concurrently, each bounded by its own drain timeout.
    """

    def __init__(self) -> None:
        self._consumers: dict[str, C] = {}

    def add(self, subscription: Subscription, consumer: C) -> None:
        """Register the started ``consumer`` of ``subscription``."""
        self._consumers[subscription.id] = consumer

    async def stop(self, subscription: Subscription) -> None:
        """Remove and stop the consumer of ``subscription``; nothing when it is not registered."""
        consumer = self._consumers.pop(subscription.id, None)
        if consumer is not None:
            await consumer.stop()

    async def stop_all(self) -> None:
        """Remove and stop every consumer, concurrently."""
        consumers = list(self._consumers.values())
        self._consumers.clear()
        await asyncio.gather(*(consumer.stop() for consumer in consumers))

    def __iter__(self) -> Iterator[C]:
        """The registered consumers (a snapshot, safe while consumers are added or removed)."""
        return iter(list(self._consumers.values()))

    def __len__(self) -> int:
        return len(self._consumers)


__all__ = ["ConsumerRegistry", "StoppableConsumer", "new_subscription"]
