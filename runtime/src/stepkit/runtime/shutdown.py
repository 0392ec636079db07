"""Graceful shutdown helpers: count in-flight handlers and wait for them, with a bound."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

DEFAULT_DRAIN_SECONDS = 25.0
"""How long shutdown waits for in-flight handlers before cancelling them."""


class InFlight:
    """Counts running handlers of one runtime instance.

    ``track()`` wraps one handler call; ``drain(timeout)`` returns True once
    none is running, or False when ``timeout`` passed first.
    """

    def __init__(self) -> None:
        self._count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def count(self) -> int:
        """Handlers running right now."""
        return self._count

    @asynccontextmanager
    async def track(self) -> AsyncIterator[None]:
        """Count the enclosed handler call as in flight."""
        self._count += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._count -= 1
            if self._count == 0:
                self._idle.set()

    async def drain(self, timeout: float) -> bool:
        """Wait until nothing is in flight; False if ``timeout`` seconds passed first."""
        try:
            async with asyncio.timeout(timeout):
                await self._idle.wait()
        except TimeoutError:
            return False
        return True


__all__ = ["DEFAULT_DRAIN_SECONDS", "InFlight"]
