"""One subscription's consumer: poll, dispatch, renew visibility, acknowledge, stop cleanly.

* **Receive**: ``ReceiveMessage`` of up to ``min(10, free slots)`` events with
  a short long-poll (``wait_time_seconds``), so the consumer never holds more
  events than its ``concurrency`` and a stop is noticed within one wait.
* **Visibility**: each held event is invisible for the lease
  (:func:`~stepkit.adapters.sqs_events.topology.lease_seconds`) and renewed
  while held (:mod:`~stepkit.adapters.sqs_events.leases`).
* **Acknowledge**: ``DeleteMessage`` only after the handler returned.
* **Failure**: the event's visibility is set to the group's backoff for its
  attempt (rounded up to whole seconds); SQS redelivers it then, with
  ``ApproximateReceiveCount`` as ``Event.attempt``. After ``max_retries + 1``
  receives the queue's redrive policy moves it to the DLQ.
* **FIFO**: events are handled one at a time per message group, in order
  (one lane per group); after a failure the lane's later events are made
  visible again behind the failed one, which SQS redelivers first.
* **Stop**: no new receives; in-flight handlers finish within
  ``drain_timeout`` (then are cancelled); every event not acknowledged is made
  visible again at once (never deleted).
* **Lost topology** (the server forgot the queue): the consumer re-creates
  topic, queues and subscription itself; an unreachable server is retried
  with backoff.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

from stepkit.adapters.aws_common import AwsClient, is_not_found
from stepkit.adapters.sqs_events import codec
from stepkit.adapters.sqs_events.config import SqsEventsConfig
from stepkit.adapters.sqs_events.leases import BATCH, Delivery, Leases
from stepkit.adapters.sqs_events.topology import GroupQueues, Topology, lease_seconds, whole_seconds
from stepkit.core.backoff import Backoff
from stepkit.core.errors import AdapterError
from stepkit.core.protocols.events import Subscription

log = logging.getLogger("stepkit.adapters.sqs_events")

POLL_RETRY = Backoff(initial_seconds=0.2, multiplier=2.0, max_seconds=2.0, jitter=0.2)
"""Waits between receive attempts while the server is unreachable."""
BUSY_FIFO_PAUSE = 0.2
"""Longest pause between short polls of a FIFO queue while this consumer holds message groups."""
SYSTEM_ATTRIBUTES = ["ApproximateReceiveCount", "MessageGroupId"]


class GroupConsumer:
    """Consumes the queue of one subscription's ``(topic, subscriber)`` group."""

    def __init__(
        self,
        subscription: Subscription,
        *,
        sqs: AwsClient,
        topology: Topology,
        settings: SqsEventsConfig,
        on_topology_lost: Callable[[], None],
    ) -> None:
        self.subscription = subscription
        self._on_topology_lost = on_topology_lost
        self._config = subscription.queue_config
        self._sqs = sqs
        self._topology = topology
        self._settings = settings
        self._fifo = self._config.type == "fifo"
        self._queues: GroupQueues | None = None
        self._topology_lost = False
        self._leases = Leases(
            sqs,
            lease_seconds(self._config, settings),
            f"{subscription.topic!r}/{subscription.subscriber!r}",
            self._freed,
        )
        self._lanes: dict[str, deque[Delivery]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._room = asyncio.Event()
        self._progress = asyncio.Event()
        self._stop_requested = asyncio.Event()
        self._poller: asyncio.Task[None] | None = None
        self._heartbeat: asyncio.Task[None] | None = None
        self._stopped: asyncio.Future[None] | None = None

    # -- lifecycle --------------------------------------------------------------------
    async def ensure_topology(self) -> None:
        """Create (idempotently) the group's topic, queues and subscription."""
        self._queues = self._leases.queues = await self._topology.ensure_group(
            self.subscription.topic, self.subscription.subscriber, self._config
        )
        self._topology_lost = False

    async def start(self) -> None:
        """Ensure the topology, then start polling (events emitted from now on reach the group)."""
        await self.ensure_topology()
        self._room.set()
        self._poller = asyncio.create_task(self._poll_loop(), name=f"sqs-poll-{self.subscription.id}")
        self._heartbeat = asyncio.create_task(self._leases.renew_forever(), name=f"sqs-renew-{self.subscription.id}")

    async def stop(self) -> None:
        """Stop receiving, let in-flight handlers finish (bounded), release the rest. Idempotent."""
        if self._stopped is not None:
            await asyncio.shield(self._stopped)
            return
        self._stopped = asyncio.get_running_loop().create_future()
        try:
            await self._stop()
        finally:
            self._stopped.set_result(None)

    async def _stop(self) -> None:
        self._stop_requested.set()
        self._room.set()
        self._progress.set()
        if self._poller is not None:
            await _finish(self._poller, self._settings.wait_time_seconds + 1.0)
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=self._settings.drain_timeout)
            for task in list(self._tasks):
                await _finish(task, 0)
        await self._leases.release(self._leases.unsettled())
        if self._heartbeat is not None:
            await _finish(self._heartbeat, 0)

    @property
    def stopping(self) -> bool:
        """True once :meth:`stop` was called."""
        return self._stop_requested.is_set()

    # -- receiving ---------------------------------------------------------------------
    async def _poll_loop(self) -> None:
        failures = 0
        while not self.stopping:
            await self._room.wait()
            free = self._config.concurrency - len(self._leases.held)
            if self.stopping:
                break
            if free <= 0:
                self._room.clear()
                continue
            short = self._fifo and bool(self._leases.held)
            try:
                messages = await self._receive(min(BATCH, free), 0 if short else self._settings.wait_time_seconds)
                failures = 0
            except AdapterError as exc:
                failures += 1
                await self._recover(exc)
                await self._pause(POLL_RETRY.delay(failures))
                continue
            if self.stopping:
                await self._leases.release(messages)
                break
            for delivery in messages:
                self._accept(delivery)
            if short and not messages:
                self._progress.clear()
                await self._pause(BUSY_FIFO_PAUSE, self._progress)

    async def _receive(self, count: int, wait: int) -> list[Delivery]:
        queues = self._queues
        if queues is None or self._topology_lost:
            await self.ensure_topology()
            queues = self._queues
            assert queues is not None
        reply = await self._sqs.call(
            f"receive from {queues.names.queue}",
            "receive_message",
            timeout=self._settings.operation_timeout + wait,
            QueueUrl=queues.url,
            MaxNumberOfMessages=count,
            WaitTimeSeconds=wait,
            VisibilityTimeout=self._leases.lease,
            MessageSystemAttributeNames=SYSTEM_ATTRIBUTES,
        )
        return [
            Delivery(
                receipt=m["ReceiptHandle"],
                body=m["Body"],
                attempt=int(m.get("Attributes", {}).get("ApproximateReceiveCount", "1")),
                group=m.get("Attributes", {}).get("MessageGroupId", ""),
            )
            for m in reply.get("Messages", [])
        ]

    async def _recover(self, exc: AdapterError) -> None:
        """After a failed receive: note a queue the server lost (re-created before the next receive)."""
        if exc.__cause__ is not None and is_not_found(exc.__cause__):
            if not self._topology_lost:
                log.warning("sqs: queue of %r/%r is gone; re-creating the topology", *self._group())
            self._topology_lost = True
            self._on_topology_lost()
        else:
            log.warning("sqs: receive for %r/%r failed, retrying: %s", *self._group(), exc)

    async def _pause(self, seconds: float, wake: asyncio.Event | None = None) -> None:
        """Sleep ``seconds``, ended early by a stop (or ``wake``)."""
        waiters = [asyncio.ensure_future(self._stop_requested.wait())]
        if wake is not None:
            waiters.append(asyncio.ensure_future(wake.wait()))
        try:
            await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()

    def _group(self) -> tuple[str, str]:
        return self.subscription.topic, self.subscription.subscriber

    # -- dispatching -------------------------------------------------------------------
    def _accept(self, delivery: Delivery) -> None:
        self._leases.hold(delivery)
        if len(self._leases.held) >= self._config.concurrency:
            self._room.clear()
        if not self._fifo:
            self._spawn(self._run_one(delivery))
            return
        lane = self._lanes.get(delivery.group)
        if lane is None:
            lane = self._lanes[delivery.group] = deque()
            self._spawn(self._run_lane(delivery.group, lane))
        lane.append(delivery)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run_one(self, delivery: Delivery) -> None:
        await self._process(delivery)

    async def _run_lane(self, group: str, lane: deque[Delivery]) -> None:
        try:
            while lane:
                if self.stopping:
                    return  # the rest is released by stop()
                ok = await self._process(lane[0])
                lane.popleft()
                if not ok and lane:
                    rest = list(lane)
                    lane.clear()
                    await self._leases.release(rest)
        finally:
            if self._lanes.get(group) is lane:
                del self._lanes[group]

    async def _process(self, delivery: Delivery) -> bool:
        """Handle one delivery; True when acknowledged."""
        try:
            event = codec.decode(delivery.body, delivery.attempt)
        except AdapterError as exc:
            log.error("sqs: undecodable message in %r/%r (left for the DLQ): %s", *self._group(), exc)
            await self._retry_later(delivery)
            return False
        try:
            await self.subscription.handler(event)
        except Exception:
            log.exception(
                "sqs: handler of %r/%r failed on %s (attempt %d)", *self._group(), event.message_id, event.attempt
            )
            await self._retry_later(delivery)
            return False
        await self._leases.acknowledge(delivery)
        return True

    # -- settling ----------------------------------------------------------------------
    def _freed(self) -> None:
        """Holds ended: room for more receives, progress for a waiting FIFO poll."""
        self._room.set()
        self._progress.set()

    async def _retry_later(self, delivery: Delivery) -> None:
        await self._leases.retry_later(delivery, whole_seconds(self._config.backoff.delay(delivery.attempt)))


async def _finish(task: asyncio.Task[None], grace: float) -> None:
    """Wait up to ``grace`` seconds for ``task``, then cancel it and wait for it to end."""
    if not task.done() and grace > 0:
        await asyncio.wait({task}, timeout=grace)
    if not task.done():
        task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task


__all__ = ["GroupConsumer"]
