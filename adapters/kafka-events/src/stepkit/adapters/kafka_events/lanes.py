"""Per-partition bookkeeping of a subscription: offsets, timers, busy counts and FIFO lanes."""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from stepkit.adapters.kafka_events.offsets import OffsetTracker


@dataclass(eq=False)
class Work:
    """One task handling records: a standard record, or a FIFO lane.

    ``busy`` is True while a handler of it runs (and, for standard records, while
    its retry or dead-letter copy is written). A stop waits for busy work and
    cancels the rest (records waiting for their time or for a concurrency slot).
    """

    task: asyncio.Task[None] | None = None
    busy: bool = False


@dataclass(eq=False)
class Item:
    """One consumed record and what is known about it."""

    part: Partition
    record: Any
    headers: dict[str, bytes]
    attempt: int
    due: float
    """Earliest handling time, epoch seconds (0: now)."""
    timer: asyncio.TimerHandle | None = None
    """The pending wake-up of a standard record that is not due yet."""

    @property
    def offset(self) -> int:
        """The record's offset in its partition."""
        return int(self.record.offset)


@dataclass(eq=False)
class Lane:
    """The records of one message group (record key) in one partition, handled in order."""

    key: bytes | None
    items: deque[Item] = field(default_factory=deque)
    work: Work = field(default_factory=Work)


@dataclass(eq=False)
class Partition:
    """State of one assigned partition; discarded (``revoked``) when it is taken away."""

    tp: Any
    tracker: OffsetTracker = field(default_factory=OffsetTracker)
    works: set[Work] = field(default_factory=set)
    lanes: dict[bytes | None, Lane] = field(default_factory=dict)
    timers: set[asyncio.TimerHandle] = field(default_factory=set)
    """Wake-ups of standard records waiting for their time (delay, retry not-before)."""
    busy: int = 0
    """Standard records of this partition being handled by a worker now."""
    idle: asyncio.Event = field(default_factory=asyncio.Event)
    """Set while ``busy`` is 0."""
    revoked: bool = False

    def __post_init__(self) -> None:
        self.idle.set()


__all__ = ["Item", "Lane", "Partition", "Work"]
