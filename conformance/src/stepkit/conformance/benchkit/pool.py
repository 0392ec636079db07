"""The raw baselines' bare connection pool: a queue of open connections, nothing else."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Generic, TypeVar

ConnectionT = TypeVar("ConnectionT")


class IdleQueue(Generic[ConnectionT]):
    """Hands out ``connections`` one task at a time, first in first out; no health checks, no timeouts.

    It gives the raw side as many connections as the adapter's pool, with
    the least bookkeeping a hand-written client could do.
    """

    def __init__(self, connections: Iterable[ConnectionT]) -> None:
        self.connections = list(connections)
        self._idle: asyncio.Queue[ConnectionT] = asyncio.Queue()
        for connection in self.connections:
            self._idle.put_nowait(connection)

    @asynccontextmanager
    async def borrow(self) -> AsyncIterator[ConnectionT]:
        """Wait for an idle connection; it goes back to the queue when the block ends, whatever happened."""
        connection = await self._idle.get()
        try:
            yield connection
        finally:
            self._idle.put_nowait(connection)


__all__ = ["IdleQueue"]
