"""Recording handler and a bounded wait for the adapter tests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from stepkit.adapters.sqs_events import SqsEventAdapter
from stepkit.core import Backoff, Event, QueueConfig

AdapterFactory = Callable[..., SqsEventAdapter]
"""Builds an adapter on the test's namespace; keyword arguments override config fields."""

FAST = Backoff(initial_seconds=0.05, multiplier=1.0, max_seconds=0.05, jitter=0.0)


def qc(**overrides: object) -> QueueConfig:
    """A queue config with fast backoff."""
    return QueueConfig.model_validate({"backoff": FAST, **overrides})


class Recorder:
    """Records deliveries; ``fail(event)`` decides whether a delivery raises; ``hold`` is the run time."""

    def __init__(self, fail: Callable[[Event], bool] | None = None, hold: float = 0.0) -> None:
        self.fail = fail or (lambda _: False)
        self.hold = hold
        self.deliveries: list[Event] = []
        self.successes: list[Event] = []
        self.in_flight = 0

    async def __call__(self, event: Event) -> None:
        self.deliveries.append(event)
        self.in_flight += 1
        try:
            if self.hold:
                await asyncio.sleep(self.hold)
            if self.fail(event):
                raise RuntimeError(f"test handler fails attempt {event.attempt}")
        finally:
            self.in_flight -= 1
        self.successes.append(event)


async def eventually(predicate: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    """Wait (bounded) until ``predicate()`` holds."""
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, f"{what}: not observed within {timeout:g}s"
        await asyncio.sleep(0.02)
