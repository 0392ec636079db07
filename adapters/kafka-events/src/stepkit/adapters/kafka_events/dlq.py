"""The dead-letter topic of a group: counting and redriving.

A group's DLQ is a one-partition topic. What was already redriven is tracked by
the committed offset of a second consumer group, ``{group}.redrive`` (see
``naming``), so ``dlq_count`` is ``end - redrive cursor`` and survives restarts.
``redrive_dlq`` copies every dead letter past the cursor into the group's retry
lane with the attempt count reset (only that group sees them again; other groups
on the topic are not affected), moving the cursor past each confirmed batch, so a
redrive cut short by its time bound is resumed by the next call, not repeated.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from aiokafka import TopicPartition  # type: ignore[import-untyped]

from stepkit.adapters.kafka_events import codec
from stepkit.adapters.kafka_events.clients import Clients, started_consumer
from stepkit.adapters.kafka_events.naming import GroupNames
from stepkit.adapters.kafka_events.positions import end_offsets

DLQ_PARTITIONS = 1
FETCH_POLL_MS = 200


class _Cursor:
    """A started consumer on the DLQ partition, in the redrive-cursor group."""

    def __init__(self, clients: Clients, group: GroupNames) -> None:
        self.clients = clients
        self.group = group
        self.tp = TopicPartition(group.dlq, 0)
        self.consumer: Any = None

    async def __aenter__(self) -> _Cursor:
        self.consumer = await started_consumer(self.clients.consumer(self.group.redrive))
        self.consumer.assign([self.tp])
        return self

    async def __aexit__(self, *exc: object) -> None:
        with contextlib.suppress(Exception):
            await self.consumer.stop()

    async def bounds(self) -> tuple[int, int]:
        """``(cursor, end)``: the first dead letter not yet redriven, and the end."""
        settings = self.clients.settings
        ends = await end_offsets(
            self.consumer, [self.tp], verify=settings.verify_end_offsets, timeout=settings.operation_timeout
        )
        begin = (await self.consumer.beginning_offsets([self.tp]))[self.tp]
        committed = await self.consumer.committed(self.tp)
        return max(begin, committed or 0), ends[self.tp]


async def count(clients: Clients, group: GroupNames) -> int:
    """Dead letters of ``group`` not yet redriven. Callers bound the call."""
    await clients.ensure_topics({group.dlq: DLQ_PARTITIONS})
    async with _Cursor(clients, group) as cursor:
        start, end = await cursor.bounds()
        return max(0, end - start)


async def redrive(clients: Clients, group: GroupNames, timeout: float) -> int:
    """Copy every dead letter past the cursor to the retry lane; returns how many."""
    await clients.ensure_topics({group.dlq: DLQ_PARTITIONS})
    async with _Cursor(clients, group) as cursor:
        start, end = await cursor.bounds()
        if end <= start:
            return 0
        consumer = cursor.consumer
        consumer.seek(cursor.tp, start)
        moved = 0
        position = start
        deadline = time.monotonic() + timeout
        while position < end:
            if time.monotonic() > deadline:
                raise TimeoutError(f"redrive moved {moved} of {end - start} dead letters in time")
            batches = await consumer.getmany(cursor.tp, timeout_ms=FETCH_POLL_MS)
            records = [record for record in batches.get(cursor.tp, []) if record.offset < end]
            if not records:
                if batches.get(cursor.tp):
                    position = end
                continue
            copies = [codec.copy(record, codec.header_map(record), attempt=1) for record in records]
            await asyncio.gather(*(clients.produce(group.retry, copy) for copy in copies))
            moved += len(records)
            position = records[-1].offset + 1
            # The cursor follows each confirmed batch: a redrive cut short is resumed, not repeated.
            await consumer.commit({cursor.tp: position})
        if position != start:
            await consumer.commit({cursor.tp: max(position, end)})
        return moved


__all__ = ["DLQ_PARTITIONS", "count", "redrive"]
