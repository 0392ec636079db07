"""Live delivery of stream events to subscribers in this process.

A :class:`StreamHub` fans each published :class:`StreamEvent` out to every
matching subscription: a group channel receives every event of its group; an
item channel receives the events of its item. Each subscription has its own
queue and worker task on the event loop it subscribed from, and calls its
handler one event at a time, so events arrive in publication order (hence in
order per item when publishers publish under the lock that orders their
writes). Handler exceptions are logged and do not stop delivery. Every
delivery gets its own copy of the event's data. Delivery is at-most-once and
live: events published before ``subscribe`` returned, or after
``unsubscribe``, are not delivered. Publishing never blocks and is
thread-safe.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import uuid
from dataclasses import dataclass, field

from stepkit.core.json_codec import dumps, loads
from stepkit.core.models.streams import StreamChannel, StreamEvent
from stepkit.core.protocols.streams import StreamHandler, StreamSubscription

logger = logging.getLogger("stepkit.core.defaults.streams")

_STOP = object()


@dataclass(eq=False)
class _Subscriber:
    subscription: StreamSubscription
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[object]
    task: asyncio.Task[None] | None = None
    active: bool = field(default=True)

    def wants(self, event: StreamEvent) -> bool:
        channel = self.subscription.channel
        if event.stream != self.subscription.stream or event.group_id != channel.group_id:
            return False
        return channel.item_id is None or channel.item_id == event.item_id

    def offer(self, item: object) -> None:
        with contextlib.suppress(RuntimeError):  # the subscriber's loop is closed: it is gone
            self.loop.call_soon_threadsafe(self.queue.put_nowait, item)

    async def run(self) -> None:
        handler = self.subscription.handler
        while True:
            item = await self.queue.get()
            if item is _STOP or not self.active:
                return
            assert isinstance(item, StreamEvent)
            try:
                await handler(item)
            except Exception:
                logger.exception("stream handler for %r failed on a %s event", self.subscription.channel, item.type)


class StreamHub:
    """Subscriptions of one namespace, across every adapter instance of this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: dict[str, _Subscriber] = {}

    def subscribe(self, stream: str, channel: StreamChannel, handler: StreamHandler) -> StreamSubscription:
        """Start delivering ``channel``'s events of ``stream`` to ``handler`` (needs a running loop)."""
        subscription = StreamSubscription(id=uuid.uuid4().hex, stream=stream, channel=channel, handler=handler)
        subscriber = _Subscriber(subscription, asyncio.get_running_loop(), asyncio.Queue())
        subscriber.task = asyncio.get_running_loop().create_task(subscriber.run())
        with self._lock:
            self._subscribers[subscription.id] = subscriber
        return subscription

    def publish(self, event: StreamEvent) -> None:
        """Queue ``event`` for every matching subscription; never blocks."""
        with self._lock:
            targets = [s for s in self._subscribers.values() if s.active and s.wants(event)]
        if not targets:
            return
        text = dumps(event.data, "stream event data")
        for subscriber in targets:
            subscriber.offer(event.model_copy(update={"data": loads(text)}))

    async def unsubscribe(self, subscription: StreamSubscription, timeout: float) -> None:
        """Stop delivery; waits (up to ``timeout``) for a running handler. Idempotent."""
        with self._lock:
            subscriber = self._subscribers.pop(subscription.id, None)
        if subscriber is None:
            return
        subscriber.active = False
        subscriber.offer(_STOP)
        task = subscriber.task
        if task is None or task is asyncio.current_task() or subscriber.loop is not asyncio.get_running_loop():
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(task), timeout)
        if not task.done():
            task.cancel()


__all__ = ["StreamHub"]
