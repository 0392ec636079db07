"""One pub/sub connection per manager, multiplexing every subscribed channel.

Guarantees:

* :meth:`PubSubHub.add` returns only after Redis confirmed the SUBSCRIBE, so
  every event published afterwards reaches the subscription.
* Events reach each subscription in the order Redis published them (one
  connection, one reader, one queue and one worker per subscription), so in
  order per item. A slow handler delays only its own subscription.
* A handler's exception is logged and delivery goes on.
* After a connection loss the reader reconnects with backoff and redis-py
  resubscribes every channel; events published while disconnected are
  missed (at-most-once live delivery).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio.client import PubSub

from stepkit.adapters.redis_common.connection import RedisConnection
from stepkit.adapters.redis_common.errors import UNAVAILABLE
from stepkit.core.backoff import Backoff
from stepkit.core.json_codec import loads
from stepkit.core.models.streams import StreamEvent
from stepkit.core.protocols.streams import StreamHandler

logger = logging.getLogger("stepkit.adapters.redis_streams")

_RECONNECT = Backoff(initial_seconds=0.05, max_seconds=2.0)
_POLL_SECONDS = 1.0

Decoder = Callable[[dict[str, Any]], StreamEvent]
"""Builds the event of one channel from a decoded message."""


@dataclass(eq=False)
class LocalSubscription:
    """One handler on one channel, optionally narrowed to one item."""

    id: str
    item_id: str | None
    handler: StreamHandler
    queue: asyncio.Queue[StreamEvent] = field(default_factory=asyncio.Queue)
    worker: asyncio.Task[None] | None = None

    async def run(self) -> None:
        """Deliver queued events in order until cancelled."""
        while True:
            event = await self.queue.get()
            try:
                await self.handler(event)
            except Exception:
                logger.exception("stream handler %s failed on %s event", self.id, event.type)


@dataclass(eq=False)
class _Channel:
    decoder: Decoder
    subscriptions: dict[str, LocalSubscription] = field(default_factory=dict)
    confirmed: asyncio.Future[None] | None = None


class PubSubHub:
    """Routes Redis pub/sub messages to local subscriptions."""

    def __init__(self, redis: RedisConnection) -> None:
        self._redis = redis
        self._channels: dict[bytes, _Channel] = {}
        self._pubsub: PubSub | None = None
        self._reader: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    async def add(self, channel: str, decoder: Decoder, subscription: LocalSubscription) -> None:
        """Register ``subscription`` on ``channel``; returns once Redis confirmed it.

        Raises:
            AdapterUnavailableError: Redis did not confirm within the timeout.
        """
        name = channel.encode("utf-8")
        async with self._redis.bounded("subscribe"), self._lock:
            entry = self._channels.get(name)
            if entry is None:
                entry = self._channels[name] = _Channel(decoder)
            entry.subscriptions[subscription.id] = subscription
            subscription.worker = asyncio.get_running_loop().create_task(subscription.run())
            try:
                if entry.confirmed is None:
                    entry.confirmed = asyncio.get_running_loop().create_future()
                    pubsub = await self._ensure_pubsub()
                    await pubsub.subscribe(name)
                    self._ensure_reader()
                await asyncio.shield(entry.confirmed)
            except BaseException:
                await self._drop(name, subscription.id)
                raise

    async def remove(self, channel: str, subscription_id: str) -> None:
        """Stop one subscription; unsubscribe the channel when it was the last. Idempotent."""
        async with self._lock:
            await self._drop(channel.encode("utf-8"), subscription_id)

    async def _drop(self, name: bytes, subscription_id: str) -> None:
        entry = self._channels.get(name)
        if entry is None:
            return
        subscription = entry.subscriptions.pop(subscription_id, None)
        if subscription is not None and subscription.worker is not None:
            subscription.worker.cancel()
        if not entry.subscriptions:
            del self._channels[name]
            if self._pubsub is not None:
                with contextlib.suppress(*UNAVAILABLE, OSError):
                    async with asyncio.timeout(self._redis.timeout):
                        await self._pubsub.unsubscribe(name)

    async def _ensure_pubsub(self) -> PubSub:
        if self._pubsub is None:
            session = await self._redis.session()
            self._pubsub = session.client.pubsub()
        return self._pubsub

    def _ensure_reader(self) -> None:
        if self._reader is None or self._reader.done():
            self._reader = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        failures = 0
        while True:
            pubsub = self._pubsub
            if pubsub is None:
                return
            try:
                message = await pubsub.get_message(ignore_subscribe_messages=False, timeout=_POLL_SECONDS)
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - reconnect and go on
                failures += 1
                logger.warning("redis pub/sub connection lost (%r); reconnecting", exc)
                await asyncio.sleep(_RECONNECT.delay(failures))
                continue
            if message is not None:
                self._dispatch(message)

    def _dispatch(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        entry = self._channels.get(message.get("channel", b""))
        if entry is None:
            return
        if kind == "subscribe":
            if entry.confirmed is not None and not entry.confirmed.done():
                entry.confirmed.set_result(None)
            return
        if kind != "message":
            return
        try:
            event = entry.decoder(loads(message["data"], "stream event message"))
        except Exception:
            logger.exception("dropping malformed stream event message")
            return
        for subscription in entry.subscriptions.values():
            if subscription.item_id is None or subscription.item_id == event.item_id:
                subscription.queue.put_nowait(event)

    async def close(self) -> None:
        """Stop the reader, every worker and the pub/sub connection. Idempotent."""
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
            self._reader = None
        for entry in self._channels.values():
            for subscription in entry.subscriptions.values():
                if subscription.worker is not None:
                    subscription.worker.cancel()
        self._channels.clear()
        pubsub, self._pubsub = self._pubsub, None
        if pubsub is not None:
            with contextlib.suppress(*UNAVAILABLE, OSError, TimeoutError):
                async with asyncio.timeout(self._redis.timeout):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]


__all__ = ["LocalSubscription", "PubSubHub"]
