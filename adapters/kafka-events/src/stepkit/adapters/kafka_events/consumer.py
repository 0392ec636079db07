"""One subscription: a consumer-group member, its handler tasks and its commits.

Guarantees:

* **Commit after success only.** Auto-commit is off. A record's offset becomes
  committable once its handler returned, or once a confirmed copy of it was
  written to the group's retry lane or DLQ; the committed position of a partition
  is the lowest offset not finished yet (``offsets``), so a crash never skips an
  unfinished record: it is redelivered to whichever member owns the partition next.
* **Concurrency.** At most ``QueueConfig.concurrency`` handlers of the
  subscription run at once: standard groups run that many worker tasks fed by
  one queue, FIFO lanes share a semaphore of that size; fetching pauses while
  ``max_buffered`` records are unfinished.
* **Standard groups** handle records of a partition concurrently. A failure
  writes a copy with ``attempt + 1`` and a not-before time (the backoff) to the
  group's retry topic and finishes the original, so a poisoned record never holds
  its partition; after ``max_retries`` redeliveries the copy goes to the DLQ topic.
* **FIFO groups** run one *lane* per message group (record key) per partition: a
  lane handles its records one at a time in offset order and retries in place
  (sleeping the backoff), so order holds across retries; lanes run in parallel.
* **Delay.** A record of the events topic is handled no earlier than its emit
  timestamp plus ``delay_seconds``; retry copies no earlier than their not-before.
* **Visibility.** A record is handled by the member owning its partition and by
  no other while the member stays in the group, however long the handler runs
  (aiokafka heartbeats in the background). A rebalance waits up to
  ``drain_timeout`` for running handlers of the partitions it takes away, commits,
  then cancels what still runs; those records are redelivered to the new owner.
* **Stop.** ``stop`` stops fetching, cancels records not yet started, waits up to
  ``drain_timeout`` for running handlers (then cancels them), commits what
  finished and leaves the group: nothing finished is lost, nothing unfinished is
  committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Coroutine, Iterable
from typing import Any

from aiokafka import ConsumerRebalanceListener  # type: ignore[import-untyped]
from aiokafka.errors import ConsumerStoppedError, KafkaError  # type: ignore[import-untyped]

from stepkit.adapters.kafka_events import codec
from stepkit.adapters.kafka_events.clients import Clients, started_consumer
from stepkit.adapters.kafka_events.dlq import DLQ_PARTITIONS
from stepkit.adapters.kafka_events.errors import bounded
from stepkit.adapters.kafka_events.lanes import Item, Lane, Partition, Work
from stepkit.adapters.kafka_events.naming import GroupNames
from stepkit.adapters.kafka_events.positions import anchor_new_group
from stepkit.core.errors import AdapterError
from stepkit.core.protocols.events import Subscription

log = logging.getLogger(__name__)

POLL_MS = 100
"""Longest wait of one fetch-loop iteration."""
RECREATE_AFTER = 2.0
"""Seconds without any assigned partition after which the group's topics are re-created."""
ERROR_PAUSE = 0.2
"""Pause after a failed fetch or commit before trying again."""


class GroupConsumer(ConsumerRebalanceListener):  # type: ignore[misc]
    """A member of the consumer group ``(topic, subscriber)`` running one subscription."""

    def __init__(self, subscription: Subscription, group: GroupNames, clients: Clients) -> None:
        self.subscription = subscription
        self.group = group
        self.clients = clients
        self.settings = clients.settings
        self.config = subscription.queue_config
        self.fifo = self.config.type == "fifo"
        self._slots = asyncio.Semaphore(self.config.concurrency)
        self._ready: asyncio.Queue[Item] = asyncio.Queue()
        self._workers: dict[asyncio.Task[None], Item | None] = {}
        self._parts: dict[Any, Partition] = {}
        self._consumer: Any = None
        self._tasks: list[asyncio.Task[None]] = []
        self._dirty = asyncio.Event()
        self._stopping = False

    def topics(self) -> dict[str, int]:
        """The topics this group needs, with their partition counts."""
        partitions = self.settings.partitions
        return {self.group.events: partitions, self.group.retry: partitions, self.group.dlq: DLQ_PARTITIONS}

    # -- lifecycle ----------------------------------------------------------
    async def start(self) -> None:
        """Create the topics, anchor a new group at the current end, join the group.

        Callers bound the call. Once it returns, every event emitted on the topic
        reaches the group (its start position is committed).
        """
        await self.clients.ensure_topics(self.topics())
        anchor = await started_consumer(self.clients.consumer(self.group.group_id))
        try:
            await anchor_new_group(
                anchor,
                self.group.events,
                verify=self.settings.verify_end_offsets,
                timeout=self.settings.operation_timeout,
            )
        finally:
            with contextlib.suppress(Exception):
                await asyncio.shield(anchor.stop())
        consumer = await started_consumer(self.clients.consumer(self.group.group_id))
        # Subscribing after start: joining the group happens in the background
        # (the start position is already committed), so subscribe never waits
        # for a rebalance.
        consumer.subscribe([self.group.events, self.group.retry], listener=self)
        self._consumer = consumer
        self._tasks = [asyncio.create_task(self._fetch_loop()), asyncio.create_task(self._commit_loop())]
        if not self.fifo:
            for _ in range(self.config.concurrency):
                self._add_worker()

    async def stop(self) -> None:
        """Stop fetching, drain (bounded), commit what finished, leave the group. Idempotent."""
        if self._stopping:
            return
        self._stopping = True
        fetch = self._tasks[0] if self._tasks else None
        if fetch is not None:
            fetch.cancel()
            await asyncio.gather(fetch, return_exceptions=True)
        parts = list(self._parts.values())
        self._parts.clear()
        for part in parts:
            part.revoked = True
        await self._drain(parts)
        await self._commit(parts)
        tasks = [*self._tasks, *self._workers]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._workers.clear()
        if self._consumer is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(self.settings.operation_timeout):
                    await self._consumer.stop()

    # -- rebalance listener (called by aiokafka) ----------------------------
    async def on_partitions_revoked(self, revoked: Iterable[Any]) -> None:
        """Let running handlers of the revoked partitions finish (bounded), then commit them."""
        parts = [part for tp in revoked if (part := self._parts.pop(tp, None)) is not None]
        for part in parts:
            part.revoked = True
        await self._drain(parts)
        await self._commit(parts)

    async def on_partitions_assigned(self, assigned: Iterable[Any]) -> None:
        """Start fresh bookkeeping for the assigned partitions."""
        for tp in assigned:
            self._parts[tp] = Partition(tp)

    # -- fetching -----------------------------------------------------------
    async def _fetch_loop(self) -> None:
        consumer = self._consumer
        unassigned_since = time.monotonic()
        while not self._stopping:
            try:
                batches = await consumer.getmany(timeout_ms=POLL_MS)
            except ConsumerStoppedError:
                return
            except KafkaError as exc:
                log.warning("kafka events: fetching for %s failed, retrying: %r", self.group.group_id, exc)
                await asyncio.sleep(ERROR_PAUSE)
                continue
            for tp, records in batches.items():
                part = self._parts.get(tp)
                if part is None:
                    continue
                for record in records:
                    self._take(part, record)
            self._flow_control()
            now = time.monotonic()
            if consumer.assignment():
                unassigned_since = now
            elif now - unassigned_since > RECREATE_AFTER:
                unassigned_since = now
                await self._recreate_topics()

    async def _recreate_topics(self) -> None:
        """Re-create the group's topics (a broker that lost its data has none)."""
        try:
            async with bounded(self.settings.operation_timeout, "re-create topics"):
                await self.clients.ensure_topics(self.topics(), force=True)
        except AdapterError as exc:
            log.info("kafka events: re-creating topics of %s failed: %r", self.group.group_id, exc)

    def _flow_control(self) -> None:
        outstanding = sum(part.tracker.outstanding for part in self._parts.values())
        if outstanding >= self.settings.max_buffered:
            self._consumer.pause(*self._consumer.assignment())
        elif self._consumer.paused():
            self._consumer.resume(*self._consumer.paused())

    def _take(self, part: Partition, record: Any) -> None:
        part.tracker.add(record.offset)
        headers = codec.header_map(record)
        if record.topic == self.group.retry:
            due = codec.not_before_ms(headers) / 1000
        elif self.config.delay_seconds > 0:
            due = record.timestamp / 1000 + self.config.delay_seconds
        else:
            due = 0.0
        item = Item(part, record, headers, codec.attempt_of(headers), due)
        if self.fifo:
            lane = part.lanes.get(record.key)
            if lane is None:
                lane = part.lanes[record.key] = Lane(record.key)
                self._spawn(part, lane.work, self._run_lane(part, lane))
            lane.items.append(item)
            return
        wait = due - time.time() if due else 0.0
        if wait > 0:
            item.timer = asyncio.get_running_loop().call_later(wait, self._release, item)
            part.timers.add(item.timer)
        else:
            self._ready.put_nowait(item)

    def _release(self, item: Item) -> None:
        """A waiting standard record is due: queue it for the workers."""
        if item.timer is not None:
            item.part.timers.discard(item.timer)
        if not item.part.revoked:
            self._ready.put_nowait(item)

    def _spawn(self, part: Partition, work: Work, coro: Coroutine[Any, Any, None]) -> None:
        work.task = asyncio.create_task(coro)
        part.works.add(work)
        work.task.add_done_callback(lambda _: part.works.discard(work))

    # -- handling -----------------------------------------------------------
    @staticmethod
    async def _until(due: float) -> None:
        wait = due - time.time()
        if wait > 0:
            await asyncio.sleep(wait)

    async def _handle(self, item: Item, attempt: int) -> Exception | None:
        """Run the handler once; returns its failure, or None on success."""
        try:
            event = codec.decode(item.record, item.headers, attempt)
            await self.subscription.handler(event)
        except Exception as exc:  # noqa: BLE001 - any handler failure means redelivery
            log.debug("kafka events: handler of %s failed (attempt %d): %r", self.group.group_id, attempt, exc)
            return exc
        return None

    def _add_worker(self) -> None:
        task = asyncio.create_task(self._worker())
        self._workers[task] = None

    async def _worker(self) -> None:
        """One of ``concurrency`` workers of a standard subscription: handles queued records."""
        task = asyncio.current_task()
        assert task is not None
        while True:
            item = await self._ready.get()
            part = item.part
            if part.revoked:
                continue
            part.busy += 1
            part.idle.clear()
            self._workers[task] = item
            try:
                await self._run_one(item)
            finally:
                self._workers[task] = None
                part.busy -= 1
                if not part.busy:
                    part.idle.set()

    async def _run_one(self, item: Item) -> None:
        """A standard record: handle; on failure hand a copy to the retry lane or the DLQ."""
        attempt = item.attempt
        while True:
            failure = await self._handle(item, attempt)
            if failure is None or await self._divert(item, attempt, failure):
                break
            if item.part.revoked:
                return
            # The copy could not be written: retry in place after the backoff.
            await asyncio.sleep(self.config.backoff.delay(attempt))
            attempt += 1
        self._finish(item)

    async def _run_lane(self, part: Partition, lane: Lane) -> None:
        """A FIFO lane: its records one at a time, in order, retried in place."""
        while lane.items and not part.revoked:
            item = lane.items[0]
            await self._until(item.due)
            attempt = item.attempt
            while True:
                async with self._slots:
                    lane.work.busy = True
                    try:
                        failure = await self._handle(item, attempt)
                    finally:
                        lane.work.busy = False
                if failure is None:
                    break
                if attempt >= self.config.max_retries + 1:
                    await self._dead_letter(item, attempt, failure)
                    break
                await asyncio.sleep(self.config.backoff.delay(attempt))
                attempt += 1
            lane.items.popleft()
            self._finish(item)
        if part.lanes.get(lane.key) is lane:
            del part.lanes[lane.key]

    async def _divert(self, item: Item, attempt: int, failure: Exception) -> bool:
        """Write the retry copy (or, when exhausted, the dead letter); True once confirmed."""
        if attempt >= self.config.max_retries + 1:
            await self._dead_letter(item, attempt, failure)
            return True
        not_before = int((time.time() + self.config.backoff.delay(attempt)) * 1000)
        copy = codec.copy(item.record, item.headers, attempt=attempt + 1, not_before=not_before)
        try:
            async with bounded(self.settings.operation_timeout, "write retry copy"):
                await self.clients.ensure_topics({self.group.retry: self.settings.partitions})
                await self.clients.produce(self.group.retry, copy)
        except AdapterError as exc:
            log.warning("kafka events: retry copy for %s not written: %r", self.group.group_id, exc)
            return False
        return True

    async def _dead_letter(self, item: Item, attempt: int, failure: Exception) -> None:
        """Write the dead letter; keeps trying (with backoff) until the broker confirms it."""
        copy = codec.copy(item.record, item.headers, attempt=attempt, error=repr(failure))
        while True:
            try:
                async with bounded(self.settings.operation_timeout, "write dead letter"):
                    await self.clients.ensure_topics({self.group.dlq: DLQ_PARTITIONS})
                    await self.clients.produce(self.group.dlq, copy)
            except AdapterError as exc:
                log.warning("kafka events: dead letter for %s not written yet: %r", self.group.group_id, exc)
                await asyncio.sleep(self.config.backoff.delay(attempt))
                continue
            return

    def _finish(self, item: Item) -> None:
        item.part.tracker.finish(item.offset)
        self._dirty.set()

    # -- committing and draining ---------------------------------------------
    async def _commit_loop(self) -> None:
        """Commit finished offsets at most every ``commit_interval`` (stops and rebalances commit at once)."""
        while True:
            await self._dirty.wait()
            self._dirty.clear()
            if not await self._commit(list(self._parts.values())):
                await asyncio.sleep(ERROR_PAUSE)
                self._dirty.set()
            elif self.settings.commit_interval:
                await asyncio.sleep(self.settings.commit_interval)

    async def _commit(self, parts: list[Partition]) -> bool:
        """Commit the finished prefix of each of ``parts``; False when the commit failed."""
        offsets = {part.tp: position for part in parts if (position := part.tracker.to_commit()) is not None}
        if not offsets or self._consumer is None:
            return True
        try:
            async with bounded(self.settings.operation_timeout, "commit"):
                await self._consumer.commit(offsets)
        except AdapterError as exc:
            log.info("kafka events: commit for %s failed: %r", self.group.group_id, exc)
            return False
        for part in parts:
            if part.tp in offsets:
                part.tracker.committed(offsets[part.tp])
        return True

    async def _drain(self, parts: list[Partition]) -> None:
        """Cancel what is not running a handler; wait (bounded) for the rest, then cancel it.

        ``parts`` are already marked revoked, so workers skip their queued records.
        """
        for part in parts:
            for timer in part.timers:
                timer.cancel()
            part.timers.clear()
        works = [work for part in parts for work in part.works if work.task is not None]
        for work in works:
            if not work.busy:
                work.task.cancel()  # type: ignore[union-attr]
        tasks = [work.task for work in works if work.task is not None]
        idle = [asyncio.ensure_future(part.idle.wait()) for part in parts if part.busy]
        running = [task for task in tasks if not task.done()] + idle
        if running:
            _, pending = await asyncio.wait(running, timeout=self.settings.drain_timeout)
            for task in pending:
                task.cancel()
        await asyncio.gather(*tasks, *idle, return_exceptions=True)
        await self._cut_workers(parts)

    async def _cut_workers(self, parts: list[Partition]) -> None:
        """Cancel workers still handling records of ``parts`` (past the drain bound); replace them."""
        doomed = {id(part) for part in parts}
        cut = [task for task, item in self._workers.items() if item is not None and id(item.part) in doomed]
        for task in cut:
            task.cancel()
        await asyncio.gather(*cut, return_exceptions=True)
        for task in cut:
            self._workers.pop(task, None)
            if not self._stopping:
                self._add_worker()


__all__ = ["GroupConsumer"]
