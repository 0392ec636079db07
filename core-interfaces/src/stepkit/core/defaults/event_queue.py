"""One subscriber group's queue on one topic: the heart of the in-process broker.

Guarantees (all methods thread-safe, none awaits):

* Every event enqueued is handed out by :meth:`GroupQueue.claim` to exactly
  one claimer at a time and stays *in flight* (invisible) until that claimer
  calls :meth:`ack` or :meth:`fail`: in-process the adapter owns the
  handler, so a slow handler is never redelivered behind its back.
* :meth:`fail` makes the event visible again after ``backoff.delay(n)``
  (n = deliveries so far), or dead-letters it once it has been delivered
  ``max_retries + 1`` times. Dead letters are counted and can be redriven.
* FIFO: events with a message group are handed out one at a time per
  group, in enqueue order, even across retries; only a group's head is ever
  claimable, and the next one becomes claimable when the head is acked or
  dead-lettered. Other groups, and events without a group, are unaffected.
* ``delay_seconds`` (from the group's current :class:`QueueConfig`) defers
  the first delivery of each event.
* The queue outlives its members: events enqueued while nobody is attached
  wait for the next member (durable for the life of the process).
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from stepkit.core.models.events import Event, QueueConfig


@dataclass(eq=False)
class Message:
    """An event in a group queue: its emit order, FIFO group and delivery count."""

    seq: int
    event: Event
    fifo_group: str | None
    ready_at: float
    deliveries: int = field(default=0)


class GroupQueue:
    """The queue of subscriber group ``subscriber`` on ``topic``."""

    def __init__(self, topic: str, subscriber: str, config: QueueConfig) -> None:
        self.topic = topic
        self.subscriber = subscriber
        self.config = config
        self._lock = threading.Lock()
        self._seq = itertools.count()
        self._ready: list[tuple[float, int, Message]] = []
        self._fifo_waiting: dict[str, deque[Message]] = {}
        self._fifo_busy: set[str] = set()
        self._in_flight: dict[int, Message] = {}
        self._dlq: list[Message] = []
        self._wakers: dict[str, Callable[[], None]] = {}

    # -- members --------------------------------------------------------------
    def attach(self, member: str, wake: Callable[[], None], config: QueueConfig) -> None:
        """Register a member; its ``wake`` is called whenever work may be claimable.

        The group adopts the newest member's ``config`` (retries, backoff, delay, type).
        """
        with self._lock:
            self._wakers[member] = wake
            self.config = config

    def detach(self, member: str) -> None:
        """Forget a member; the queue and its events stay."""
        with self._lock:
            self._wakers.pop(member, None)

    def _wake_all(self) -> None:
        with self._lock:
            wakers = list(self._wakers.values())
        for wake in wakers:
            wake()

    # -- queue ----------------------------------------------------------------
    def _push(self, message: Message) -> None:
        heapq.heappush(self._ready, (message.ready_at, message.seq, message))

    def _admit(self, message: Message) -> None:
        group = message.fifo_group
        if group is None:
            self._push(message)
        elif group in self._fifo_busy:
            self._fifo_waiting.setdefault(group, deque()).append(message)
        else:
            self._fifo_busy.add(group)
            self._push(message)

    def _next_of_group(self, message: Message) -> None:
        group = message.fifo_group
        if group is None:
            return
        waiting = self._fifo_waiting.get(group)
        if waiting:
            self._push(waiting.popleft())
            if not waiting:
                del self._fifo_waiting[group]
        else:
            self._fifo_busy.discard(group)

    def enqueue(self, event: Event, fifo: bool) -> None:
        """Add ``event``; FIFO-ordered by its message group when ``fifo`` or the queue is fifo."""
        with self._lock:
            ordered = fifo or self.config.type == "fifo"
            group = event.message_group_id if ordered else None
            self._admit(Message(next(self._seq), event, group, time.monotonic() + self.config.delay_seconds))
        self._wake_all()

    def claim(self) -> Message | float | None:
        """The next visible event (now in flight), else seconds until one is due, else None."""
        with self._lock:
            if not self._ready:
                return None
            ready_at, _, message = self._ready[0]
            now = time.monotonic()
            if ready_at > now:
                return ready_at - now
            heapq.heappop(self._ready)
            message.deliveries += 1
            self._in_flight[message.seq] = message
            return message

    def ack(self, message: Message) -> None:
        """The handler succeeded: drop the event for good."""
        with self._lock:
            self._in_flight.pop(message.seq, None)
            self._next_of_group(message)
        self._wake_all()

    def fail(self, message: Message) -> bool:
        """The handler failed: schedule a redelivery, or dead-letter; True when dead-lettered."""
        with self._lock:
            self._in_flight.pop(message.seq, None)
            if message.deliveries > self.config.max_retries:
                self._dlq.append(message)
                self._next_of_group(message)
                dead = True
            else:
                message.ready_at = time.monotonic() + self.config.backoff.delay(message.deliveries)
                self._push(message)
                dead = False
        self._wake_all()
        return dead

    def members(self) -> int:
        """How many members are attached now."""
        with self._lock:
            return len(self._wakers)

    def backlog(self) -> tuple[int, int]:
        """``(queued, in_flight)``: events waiting (visible, delayed or behind a FIFO head) and being handled."""
        with self._lock:
            waiting = sum(len(group) for group in self._fifo_waiting.values())
            return len(self._ready) + waiting, len(self._in_flight)

    def dlq_count(self) -> int:
        """How many events are dead-lettered."""
        with self._lock:
            return len(self._dlq)

    def redrive(self) -> int:
        """Move every dead letter back to the queue with its delivery count reset."""
        with self._lock:
            moved, self._dlq = self._dlq, []
            now = time.monotonic()
            for message in moved:
                message.deliveries = 0
                message.ready_at = now
                self._admit(message)
        self._wake_all()
        return len(moved)


__all__ = ["GroupQueue", "Message"]
