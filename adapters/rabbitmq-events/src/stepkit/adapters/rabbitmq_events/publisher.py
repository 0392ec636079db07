"""Confirmed publishing on one long-lived robust channel per adapter instance.

Every publish waits for the broker's publisher confirm, so a call that returns
means the broker took responsibility for the message (persistent messages into
durable queues survive a broker restart). Concurrent publishes pipeline on the
same channel; no channel is opened per message and exchanges are cached.
"""

from __future__ import annotations

import asyncio

from aio_pika import Message
from aio_pika.abc import AbstractExchange, AbstractRobustChannel, AbstractRobustConnection

from stepkit.adapters.rabbitmq_events.topology import Topology
from stepkit.core.connection import LazyConnection


class Publisher:
    """Publishes events, retries, dead letters and redriven events with confirms.

    Callers bound each call with ``errors.bounded``: while the connection is
    being restored, the channel waits for it and the deadline turns the wait
    into ``AdapterUnavailableError``.
    """

    def __init__(self, connection: LazyConnection[AbstractRobustConnection], topology: Topology) -> None:
        self._connection = connection
        self._topology = topology
        self._lock = asyncio.Lock()
        self._channel: AbstractRobustChannel | None = None
        self._events: AbstractExchange | None = None
        self._buckets: dict[int, AbstractExchange] = {}

    async def _ready(self) -> tuple[AbstractRobustChannel, AbstractExchange]:
        channel, events = self._channel, self._events
        if channel is not None and events is not None:
            return channel, events
        async with self._lock:
            if self._channel is None or self._events is None:
                connection = await self._connection.get()
                await connection.ready()  # waits out a reconnect (callers bound the wait)
                # on_return_raises: a mandatory publish nobody can route raises
                # instead of being dropped (retries, DLQ and redrive rely on it).
                opened = await connection.channel(publisher_confirms=True, on_return_raises=True)
                try:
                    self._events = await self._topology.events_exchange(opened)
                except BaseException:
                    await asyncio.shield(opened.close())
                    raise
                self._channel = opened
            return self._channel, self._events

    async def emit_ready(self) -> None:
        """Open the connection and the publishing channel now (they are lazy otherwise)."""
        await self._ready()

    async def ping(self) -> None:
        """One broker round trip: a passive declare of the events exchange."""
        channel, events = await self._ready()
        underlay = await channel.get_underlay_channel()
        await underlay.exchange_declare(exchange=events.name, passive=True)

    async def emit(self, message: Message, routing_key: str) -> None:
        """Publish to the events exchange; returns once confirmed.

        Not mandatory: an event on a topic no group has subscribed to has nobody
        to reach (fan-out covers groups that subscribed before the emit).
        """
        _, events = await self._ready()
        await events.publish(message, routing_key, mandatory=False)

    async def to_queue(self, message: Message, queue: str) -> None:
        """Publish straight into ``queue`` (default exchange), mandatory and confirmed.

        Raises (through the caller's deadline) when the queue does not exist.
        """
        channel, _ = await self._ready()
        await channel.default_exchange.publish(message, queue, mandatory=True)

    async def retry(self, message: Message, queue: str, delay_ms: int) -> None:
        """Publish into retry bucket ``delay_ms``; it reaches ``queue`` after the TTL."""
        channel, _ = await self._ready()
        exchange = self._buckets.get(delay_ms)
        if exchange is None:
            exchange = await self._topology.retry_bucket(channel, delay_ms)
            self._buckets[delay_ms] = exchange
        await exchange.publish(message, queue, mandatory=True)

    async def close(self) -> None:
        """Close the channel (the connection is closed by its owner)."""
        channel, self._channel, self._events = self._channel, None, None
        self._buckets.clear()
        if channel is not None:
            await channel.close()


__all__ = ["Publisher"]
