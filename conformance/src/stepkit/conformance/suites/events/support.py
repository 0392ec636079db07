"""Recording handlers and helpers for the events suites."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from stepkit.core import Backoff, Event, QueueConfig

FAST = Backoff(initial_seconds=0.05, multiplier=1.0, max_seconds=0.05, jitter=0.0)
"""Redelivery backoff used by the suites so retries are quick."""


def config(**overrides: Any) -> QueueConfig:
    """A queue config with fast backoff, overridable."""
    return QueueConfig(**{"backoff": FAST, "max_retries": 3, **overrides})


class HandlerFailure(RuntimeError):
    """Raised on purpose by a recording handler."""


class Recorder:
    """A handler that records every delivery, success and the in-flight high-water mark.

    ``fail(event)`` decides whether a delivery raises; ``hold`` seconds is the
    handler's run time. One recorder can be shared by the members of a group.
    """

    def __init__(self, fail: Callable[[Event], bool] | None = None, hold: float = 0.0) -> None:
        self.fail = fail or (lambda _: False)
        self.hold = hold
        self.deliveries: list[tuple[float, Event]] = []
        self.successes: list[Event] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.in_flight_by_group: Counter[str | None] = Counter()
        self.max_in_flight_per_group = 0

    async def __call__(self, event: Event) -> None:
        self.deliveries.append((time.monotonic(), event))
        self.in_flight += 1
        self.in_flight_by_group[event.message_group_id] += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        self.max_in_flight_per_group = max(
            self.max_in_flight_per_group, self.in_flight_by_group[event.message_group_id]
        )
        try:
            if self.hold:
                await asyncio.sleep(self.hold)
            if self.fail(event):
                raise HandlerFailure(f"conformance handler fails {event.message_id} attempt {event.attempt}")
        finally:
            self.in_flight -= 1
            self.in_flight_by_group[event.message_group_id] -= 1
        self.successes.append(event)

    def success_ids(self) -> list[str]:
        """Message ids handled successfully, in completion order."""
        return [e.message_id for e in self.successes]

    def attempts(self, message_id: str) -> list[int]:
        """The ``attempt`` of every delivery of one message, in delivery order."""
        return [e.attempt for _, e in self.deliveries if e.message_id == message_id]

    def delivery_count(self, message_id: str) -> int:
        """How many times one message was delivered."""
        return sum(1 for _, e in self.deliveries if e.message_id == message_id)


def make_events(topic: str, count: int, **fields: Any) -> list[Event]:
    """``count`` events on ``topic`` with data ``{"n": i}``."""
    return [Event(topic=topic, data={"n": n}, **fields) for n in range(count)]


def assert_exactly_once(recorder: Recorder, events: list[Event], what: str) -> None:
    """Every event handled successfully exactly once, and nothing else."""
    counts = Counter(recorder.success_ids())
    expected = {e.message_id for e in events}
    missing = expected - set(counts)
    extra = set(counts) - expected
    duplicated = {m: c for m, c in counts.items() if c > 1}
    assert not missing, f"{what}: {len(missing)} of {len(expected)} events never handled"
    assert not extra, f"{what}: {len(extra)} unexpected events handled"
    assert not duplicated, f"{what}: events handled successfully more than once: {duplicated}"


SETTLE = 0.3
"""Seconds to wait after the expected deliveries for unexpected extra ones."""


__all__ = ["FAST", "SETTLE", "HandlerFailure", "Recorder", "assert_exactly_once", "config", "make_events"]
