"""One subscription: a channel, a consumer on the group queue, and its handler tasks.

Guarantees:

* **Ack after success only.** A delivery is acknowledged after its handler
  returned, or after a confirmed copy went to a retry bucket or the DLQ. It is
  never nacked without requeue; when a copy cannot be published, the delivery is
  requeued after the backoff delay.
* **Concurrency.** At most ``QueueConfig.concurrency`` handlers run at once (a
  semaphore, also across a reconnect); prefetch bounds what is buffered.
* **Standard groups** retry through retry buckets (see ``retry``), so a failing
  event waits outside the queue and never blocks the others.
* **FIFO groups** consume a single-active-consumer queue: one instance at a time
  receives the group's events, in queue order. It runs one *lane* per
  ``message_group_id`` (events without one get their own lane): a lane handles its
  events one after the other, retrying in place (holding the unacked delivery and
  sleeping the backoff), so order holds across retries; lanes run in parallel.
* **Visibility.** An unacked delivery is invisible to other members until it is
  acked or this channel closes (then the broker redelivers it); handlers are
  never redelivered while running. The broker's ``consumer_timeout`` (30 min by
  default) closes the channel of a handler stuck longer.
* **Connection loss.** Handlers run in the task aiormq starts per delivery, which
  it cancels when that channel closes: the broker redelivers those events, and a
  handler never overlaps with its own redelivery (which keeps FIFO one at a time).
* **Stop.** ``stop`` cancels the consumer, lets running handlers finish within
  ``drain_timeout`` (then cancels them), and closes the channel: every delivery
  not acknowledged is requeued by the broker, none is dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from typing import Any

from aio_pika.abc import (
    AbstractIncomingMessage,
    AbstractQueue,
    AbstractRobustChannel,
    AbstractRobustConnection,
)
from aio_pika.exceptions import AMQPError, ChannelInvalidStateError

from stepkit.adapters.rabbitmq_events import headers
from stepkit.adapters.rabbitmq_events.errors import bounded
from stepkit.adapters.rabbitmq_events.naming import GroupNames
from stepkit.adapters.rabbitmq_events.publisher import Publisher
from stepkit.adapters.rabbitmq_events.retry import bucket_ms, delay_ms, exhausted, retry_delay
from stepkit.adapters.rabbitmq_events.topology import Topology
from stepkit.core.connection import LazyConnection
from stepkit.core.errors import AdapterError, AdapterSerializationError
from stepkit.core.models.events import Event
from stepkit.core.protocols.events import Subscription

log = logging.getLogger(__name__)

LaneKey = tuple[int, str, str]


class _NotRun(Exception):
    """Marks a delivery whose handler was not started (stopping, or its channel closed)."""


NOT_RUN = _NotRun()


def _alive(message: AbstractIncomingMessage) -> bool:
    """False once the channel that delivered ``message`` closed (the broker redelivers it)."""
    try:
        message.channel  # noqa: B018 - the property raises when the channel is closed
    except ChannelInvalidStateError:
        return False
    return True


class GroupConsumer:
    """Consumes one subscription's group queue on its own robust channel."""

    def __init__(
        self,
        subscription: Subscription,
        *,
        connection: LazyConnection[AbstractRobustConnection],
        topology: Topology,
        publisher: Publisher,
        prefetch: int | None,
        operation_timeout: float,
        drain_timeout: float,
    ) -> None:
        self.subscription = subscription
        self._config = subscription.queue_config
        self._fifo = self._config.type == "fifo"
        self._connection = connection
        self._topology = topology
        self._publisher = publisher
        self._prefetch = prefetch if prefetch is not None else self._config.concurrency
        self._timeout = operation_timeout
        self._drain_timeout = drain_timeout
        self._slots = asyncio.Semaphore(self._config.concurrency)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._lanes: dict[LaneKey, deque[AbstractIncomingMessage]] = {}
        self._stopping = asyncio.Event()
        self._channel: AbstractRobustChannel | None = None
        self._queue: AbstractQueue | None = None
        self._tag: str | None = None
        self._group: GroupNames | None = None

    # -- lifecycle ------------------------------------------------------------
    async def start(self) -> None:
        """Declare the group's topology and start consuming (caller bounds the time)."""
        connection = await self._connection.get()
        await connection.ready()  # waits out a reconnect (the caller bounds the wait)
        channel = await connection.channel(publisher_confirms=False)
        try:
            await channel.set_qos(prefetch_count=self._prefetch)
            delay = delay_ms(self._config.delay_seconds) if self._config.delay_seconds > 0 else 0
            sub = self.subscription
            self._group, self._queue = await self._topology.group(
                channel, sub.topic, sub.subscriber, self._config, delay
            )
            self._channel = channel
            self._tag = await self._queue.consume(self._on_message)
        except BaseException:
            self._channel = None
            with contextlib.suppress(Exception):
                await asyncio.shield(channel.close())
            raise

    async def stop(self) -> None:
        """Stop consuming, drain in-flight handlers (bounded), close the channel. Never raises."""
        self._stopping.set()
        queue, tag = self._queue, self._tag
        if queue is not None and tag is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(self._timeout):
                    await queue.cancel(tag)
        pending = set(self._tasks)
        if pending:
            _, late = await asyncio.wait(pending, timeout=self._drain_timeout)
            for task in late:
                task.cancel()
            if late:
                log.warning(
                    "%d handler(s) of %r/%r still running after drain_timeout=%gs were cancelled; "
                    "their events will be redelivered",
                    len(late),
                    self.subscription.topic,
                    self.subscription.subscriber,
                    self._drain_timeout,
                )
                await asyncio.gather(*late, return_exceptions=True)
        channel, self._channel = self._channel, None
        if channel is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(self._timeout):
                    await channel.close()

    # -- dispatch ---------------------------------------------------------------
    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        """Handle one delivery inside the task aiormq runs for it.

        aiormq cancels that task when the delivering channel closes: like a dying
        instance, the handler stops when the broker hands the delivery to another
        member, so it never overlaps with its own redelivery.
        """
        if self._stopping.is_set():
            return  # left unacked: requeued when the channel closes
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            if not self._fifo:
                await self._run_standard(message)
                return
            group = message.headers.get(headers.HEADER_GROUP)
            # Lanes are per channel: deliveries of a closed channel never mix
            # with their redeliveries on the restored one.
            scope = id(message.channel)
            key: LaneKey = (
                (scope, "group", str(group)) if group is not None else (scope, "message", message.message_id or "")
            )
            lane = self._lanes.get(key)
            if lane is not None:
                lane.append(message)
                return
            lane = self._lanes[key] = deque([message])
            await self._run_lane(key, lane)
        finally:
            if task is not None:
                self._tasks.discard(task)

    async def _handle(self, message: AbstractIncomingMessage, event: Event) -> BaseException | None:
        """Run the handler under a concurrency slot.

        Returns None on success (the delivery is then acked), :data:`NOT_RUN` when
        the handler was not started, else the handler's exception.
        """
        async with self._slots:
            if self._stopping.is_set() or not _alive(message):
                return NOT_RUN  # the broker redelivers it
            try:
                await self.subscription.handler(event)
            except Exception as exc:  # noqa: BLE001 - any handler failure means redelivery
                return exc
        await self._ack(message)
        return None

    async def _decoded(self, message: AbstractIncomingMessage) -> Event | None:
        """The delivery's event; an undecodable message is dead-lettered at once (None)."""
        attempt = headers.delivery_attempt(message)
        try:
            return headers.decode(message, attempt)
        except AdapterSerializationError as exc:
            await self._dead_letter(message, attempt, exc)
            return None

    async def _attempt(self, message: AbstractIncomingMessage, event: Event) -> BaseException | None:
        """Run the handler once; dead-letters an exhausted failure.

        Returns the failure when a retry is due, else None (handled, not run, or
        dead-lettered).
        """
        failure = await self._handle(message, event)
        if failure is None or failure is NOT_RUN:
            return None
        if exhausted(event.attempt, self._config):
            await self._dead_letter(message, event.attempt, failure)
            return None
        return failure

    async def _run_standard(self, message: AbstractIncomingMessage) -> None:
        event = await self._decoded(message)
        if event is None or await self._attempt(message, event) is None:
            return
        attempt = event.attempt
        wait = retry_delay(attempt, self._config)
        try:
            async with bounded(self._timeout, "retry publish"):
                await self._publisher.retry(
                    headers.copy(message, attempt=attempt + 1), self._consumed_queue, bucket_ms(wait)
                )
        except AdapterError as exc:
            log.warning("could not schedule retry of %s: %s; requeueing after backoff", message.message_id, exc)
            await self._requeue_later(message, wait)
            return
        await self._ack(message)

    async def _run_lane(self, key: LaneKey, lane: deque[AbstractIncomingMessage]) -> None:
        try:
            while lane and not self._stopping.is_set():
                await self._run_fifo(lane[0])
                lane.popleft()
        finally:
            del self._lanes[key]

    async def _run_fifo(self, message: AbstractIncomingMessage) -> None:
        """Handle one FIFO delivery, retrying in place until success or the DLQ."""
        event = await self._decoded(message)
        while event is not None and await self._attempt(message, event) is not None:
            if await self._stopped_within(retry_delay(event.attempt, self._config)):
                return  # unacked: requeued in place when the channel closes
            event = event.model_copy(update={"attempt": event.attempt + 1})

    # -- outcomes -------------------------------------------------------------------
    @property
    def _consumed_queue(self) -> str:
        assert self._queue is not None
        return self._queue.name

    async def _dead_letter(self, message: AbstractIncomingMessage, attempt: int, error: BaseException) -> None:
        """Publish a confirmed copy to the group's DLQ, then ack the delivery."""
        assert self._group is not None
        extra = {headers.HEADER_QUEUE: self._consumed_queue, headers.HEADER_ERROR: headers.describe_error(error)}
        try:
            async with bounded(self._timeout, "dead-letter publish"):
                await self._publisher.to_queue(headers.copy(message, attempt=attempt, extra=extra), self._group.dlq)
        except AdapterError as exc:
            log.warning("could not dead-letter %s: %s; requeueing after backoff", message.message_id, exc)
            await self._requeue_later(message, retry_delay(attempt, self._config))
            return
        log.info(
            "event %s on %r dead-lettered for %r after %d attempt(s): %s",
            message.message_id,
            self.subscription.topic,
            self.subscription.subscriber,
            attempt,
            error,
        )
        await self._ack(message)

    async def _stopped_within(self, seconds: float) -> bool:
        """Sleep ``seconds`` unless stopping; True when stopping cut the sleep short."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._stopping.wait()
        return self._stopping.is_set()

    async def _requeue_later(self, message: AbstractIncomingMessage, seconds: float) -> None:
        """Hold ``message`` for ``seconds`` (no requeue storm), then requeue it."""
        if await self._stopped_within(seconds):
            return  # the channel close requeues it
        with contextlib.suppress(AMQPError, ChannelInvalidStateError, ConnectionError):
            await message.nack(requeue=True)

    @staticmethod
    async def _ack(message: AbstractIncomingMessage) -> None:
        try:
            await message.ack()
        except (AMQPError, ChannelInvalidStateError, ConnectionError) as exc:
            log.warning("ack of %s lost (%r); the broker will redeliver it", message.message_id, exc)


__all__ = ["GroupConsumer"]
