"""One subscription's consumer: claims from its group queue and runs handlers.

Guarantees:

* At most ``concurrency`` handlers of this subscription run at once.
* Each claimed event is acked when the handler returns, failed (redelivered
  with backoff, or dead-lettered) when it raises or is cancelled.
* :meth:`Consumer.drain` keeps consuming until the group queue is empty
  (nothing queued, delayed or in flight) or a deadline passes.
* :meth:`Consumer.stop` claims nothing more, lets running handlers finish for
  up to ``drain_timeout`` seconds, then cancels the rest, whose events go
  back to the group queue. Unclaimed events stay in the queue for other
  members. A handler may unsubscribe its own subscription without deadlock.

A consumer lives on the event loop that created it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging

from stepkit.core.defaults.event_queue import GroupQueue, Message
from stepkit.core.models.events import QueueConfig
from stepkit.core.protocols.events import EventHandler

logger = logging.getLogger("stepkit.core.defaults.events")


class Consumer:
    """Runs ``handler`` for events of ``queue`` on the current event loop."""

    def __init__(self, member: str, queue: GroupQueue, handler: EventHandler, config: QueueConfig) -> None:
        self._member = member
        self._queue = queue
        self._handler = handler
        self._concurrency = config.concurrency
        self._loop = asyncio.get_running_loop()
        self._wakeup = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._running = 0
        self._stopping = False
        queue.attach(member, self._wake, config)
        self._dispatcher = self._loop.create_task(self._dispatch())

    @property
    def queue(self) -> GroupQueue:
        """The group queue this consumer claims from."""
        return self._queue

    @property
    def in_flight(self) -> int:
        """Handlers of this subscription running now."""
        return self._running

    def _wake(self) -> None:
        with contextlib.suppress(RuntimeError):  # loop closed: the consumer is gone
            self._loop.call_soon_threadsafe(self._wakeup.set)

    async def _dispatch(self) -> None:
        while not self._stopping:
            self._wakeup.clear()
            wait: float | None = None
            while self._running < self._concurrency:
                claimed = self._queue.claim()
                if not isinstance(claimed, Message):
                    wait = claimed
                    break
                self._running += 1
                task = self._loop.create_task(self._handle(claimed))
                self._tasks.add(task)
                task.add_done_callback(functools.partial(self._settle, claimed))
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await self._wakeup.wait()

    async def _handle(self, message: Message) -> None:
        delivery = message.event.model_copy(update={"attempt": message.deliveries}, deep=True)
        try:
            await self._handler(delivery)
        except Exception:
            dead = self._queue.fail(message)
            logger.warning(
                "handler of %r for topic %r failed on delivery %d of message %s%s",
                self._queue.subscriber,
                self._queue.topic,
                message.deliveries,
                message.event.message_id,
                "; dead-lettered" if dead else "; will retry",
                exc_info=True,
            )
        else:
            self._queue.ack(message)

    def _settle(self, message: Message, task: asyncio.Task[None]) -> None:
        """Done-callback of a handler task: a cancelled (even before it started) or
        interrupted handler fails its event, so nothing stays in flight forever."""
        self._tasks.discard(task)
        if task.cancelled() or task.exception() is not None:
            self._queue.fail(message)
        self._running -= 1
        self._wakeup.set()

    async def drain(self, deadline: float) -> bool:
        """Keep consuming until the queue is empty; False if the loop time ``deadline`` came first.

        The consumer keeps claiming meanwhile (unless stopped), so queued,
        delayed and retried events of the group get their turn.
        """
        while True:
            queued, in_flight = self._queue.backlog()
            if queued == 0 and in_flight == 0:
                return True
            left = deadline - self._loop.time()
            if left <= 0 or self._stopping:
                return False
            self._wakeup.set()
            await asyncio.sleep(min(0.02, left))

    async def stop(self, drain_timeout: float) -> None:
        """Stop claiming, drain in-flight handlers (bounded), requeue what is cut off. Idempotent."""
        if self._stopping:
            return
        self._stopping = True
        self._queue.detach(self._member)
        self._wakeup.set()
        await asyncio.gather(self._dispatcher, return_exceptions=True)
        current = asyncio.current_task()
        running = [task for task in self._tasks if task is not current]
        if not running:
            return
        _, late = await asyncio.wait(running, timeout=drain_timeout)
        for task in late:
            task.cancel()
        if late:
            logger.warning("%d handler(s) of %r cut off after %gs; requeued", len(late), self._member, drain_timeout)
            await asyncio.gather(*late, return_exceptions=True)


__all__ = ["Consumer"]
