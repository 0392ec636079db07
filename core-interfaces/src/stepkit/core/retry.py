"""Retry with backoff for transient failures."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from stepkit.core.backoff import Backoff
from stepkit.core.errors import AdapterUnavailableError

T = TypeVar("T")


async def retry(
    operation: Callable[[], Awaitable[T]],
    *,
    attempts: int,
    backoff: Backoff | None = None,
    retry_on: tuple[type[BaseException], ...] = (AdapterUnavailableError,),
) -> T:
    """Call ``operation`` up to ``attempts`` times, waiting per ``backoff`` between tries.

    Only exceptions in ``retry_on`` are retried; the last one is re-raised
    unchanged once attempts run out. Any other exception propagates at once.
    """
    if attempts < 1:
        raise ValueError(f"attempts must be >= 1, got {attempts}")
    policy = backoff or Backoff(initial_seconds=0.05, max_seconds=1.0)
    attempt = 1
    while True:
        try:
            return await operation()
        except retry_on:
            if attempt >= attempts:
                raise
        await asyncio.sleep(policy.delay(attempt))
        attempt += 1


__all__ = ["retry"]
