"""The events service: topics, subscriber groups, at-least-once delivery."""

from __future__ import annotations

import abc
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import ClassVar

from stepkit.core.adapter import Adapter, AdapterKind
from stepkit.core.capabilities import Capability
from stepkit.core.errors import InvalidEventError
from stepkit.core.identifiers import validate_identifier
from stepkit.core.models.events import Event, QueueConfig

EventHandler = Callable[[Event], Awaitable[None]]
"""Handles one delivery. Returning acknowledges it; raising asks for redelivery."""


@dataclass(frozen=True)
class Subscription:
    """A handle returned by :meth:`EventAdapter.subscribe`."""

    id: str
    topic: str
    subscriber: str
    queue_config: QueueConfig
    handler: EventHandler = field(compare=False, repr=False)


class EventAdapter(Adapter):
    """Publish/subscribe with consumer groups.

    Guarantees, across every instance on the namespace:

    1. Fan-out: every event emitted on a topic after a subscriber group first
       subscribed reaches that group, even from an instance with no local
       subscriber.
    2. Competing consumers: a group's members share the work; without
       failures each event is handled successfully exactly once per group.
    3. At-least-once: a handler that raises (or an instance that dies) leads
       to redelivery with backoff; after ``max_retries`` the event goes to the
       dead-letter queue (``DLQ``). A poisoned event never blocks others.
    4. ``DURABLE``: events emitted while a group has no member online arrive
       when one subscribes again.
    5. ``FIFO``: same ``message_group_id`` → one at a time, in emit order.
    6. In-flight handlers per subscription never exceed ``concurrency``.
    7. Clean stops: ``unsubscribe``/``close`` let in-flight handlers finish
       (bounded); nothing acknowledged is lost, nothing unacknowledged dropped.
    """

    kind: ClassVar[AdapterKind] = "events"

    async def emit(self, event: Event, *, fifo: bool = False) -> None:
        """Publish ``event``; returns once the backend has accepted it.

        ``fifo=True`` (needs ``FIFO``) requires ``event.message_group_id``.

        Raises:
            InvalidEventError: a FIFO emit without a message group id.
            AdapterNotSupportedError: ``fifo=True`` without ``FIFO``.
        """
        self._check_open()
        if fifo:
            self._require(Capability.FIFO, "emit(..., fifo=True)")
            if event.message_group_id is None:
                raise InvalidEventError(f"FIFO emit on topic {event.topic!r} needs a message_group_id")
        await self._emit(event, fifo)

    async def subscribe(
        self,
        topic: str,
        subscriber: str,
        handler: EventHandler,
        queue_config: QueueConfig | None = None,
    ) -> Subscription:
        """Join group ``subscriber`` on ``topic``; returns once consumption is set up.

        From this moment on, events emitted on ``topic`` reach the group.
        ``type="fifo"`` needs ``FIFO``; ``delay_seconds > 0`` needs ``DELAY``.
        """
        self._check_open()
        topic = validate_identifier(topic, "topic")
        subscriber = validate_identifier(subscriber, "subscriber")
        config = queue_config if queue_config is not None else QueueConfig()
        if config.type == "fifo":
            self._require(Capability.FIFO, "QueueConfig(type='fifo')")
        if config.delay_seconds > 0:
            self._require(Capability.DELAY, "QueueConfig(delay_seconds>0)")
        return await self._subscribe(topic, subscriber, handler, config)

    async def unsubscribe(self, subscription: Subscription) -> None:
        """Stop consuming; in-flight handlers finish (bounded). Idempotent.

        The group keeps its queue: with ``DURABLE``, later events wait for it.
        """
        await self._unsubscribe(subscription)

    async def dlq_count(self, topic: str, subscriber: str) -> int:
        """Events dead-lettered for ``(topic, subscriber)``. Needs ``DLQ``."""
        self._check_open()
        self._require(Capability.DLQ, "dlq_count()")
        return await self._dlq_count(validate_identifier(topic, "topic"), validate_identifier(subscriber, "subscriber"))

    async def redrive_dlq(self, topic: str, subscriber: str) -> int:
        """Move every dead-lettered event back to the group's queue (retry count reset).

        Returns how many were moved. Needs ``DLQ``.
        """
        self._check_open()
        self._require(Capability.DLQ, "redrive_dlq()")
        return await self._redrive_dlq(
            validate_identifier(topic, "topic"), validate_identifier(subscriber, "subscriber")
        )

    # -- hooks ------------------------------------------------------------
    @abc.abstractmethod
    async def _emit(self, event: Event, fifo: bool) -> None: ...

    @abc.abstractmethod
    async def _subscribe(
        self, topic: str, subscriber: str, handler: EventHandler, config: QueueConfig
    ) -> Subscription: ...

    @abc.abstractmethod
    async def _unsubscribe(self, subscription: Subscription) -> None: ...

    async def _dlq_count(self, topic: str, subscriber: str) -> int:
        """Hook for adapters declaring ``DLQ``."""
        raise NotImplementedError  # pragma: no cover - guarded by _require

    async def _redrive_dlq(self, topic: str, subscriber: str) -> int:
        """Hook for adapters declaring ``DLQ``."""
        raise NotImplementedError  # pragma: no cover - guarded by _require


__all__ = ["EventAdapter", "EventHandler", "Subscription"]
