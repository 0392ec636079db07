"""A small connection pool that never hands out a connection in doubt.

Driver pools try to *reset* a connection after an error or a cancellation,
which talks to the server and can hang when the server is paused. This pool
never does: a connection that saw any exception (a timeout's cancellation
included) is aborted on the spot, without a round trip, and only a connection
whose last call succeeded goes back to the idle list.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Generic, TypeVar

from stepkit.core.errors import AdapterClosedError

C = TypeVar("C")


class ConnectionPool(Generic[C]):
    """At most ``size`` connections checked out at once; idle ones are reused.

    * ``connect()`` opens a connection; the caller bounds it in time (the
      pool has no timers, every wait happens under the caller's deadline).
    * ``abort(conn)`` closes a connection at once, without talking to the
      server; it must not raise.
    * ``is_closed(conn)`` tells whether the driver already saw the connection die.
    """

    def __init__(
        self,
        connect: Callable[[], Awaitable[C]],
        abort: Callable[[C], None],
        is_closed: Callable[[C], bool],
        size: int,
    ) -> None:
        self._connect = connect
        self._abort = abort
        self._is_closed = is_closed
        self._slots = asyncio.Semaphore(size)
        self._idle: list[C] = []
        self._closed = False

    @property
    def idle_count(self) -> int:
        """Connections waiting for reuse."""
        return len(self._idle)

    def _take_idle(self) -> C | None:
        while self._idle:
            conn = self._idle.pop()
            if not self._is_closed(conn):
                return conn
            self._abort(conn)
        return None

    async def acquire(self) -> C:
        """A connection for one block of work; hand it back with :meth:`release` or :meth:`discard`.

        Raises:
            AdapterClosedError: the pool was closed.
        """
        if self._closed:
            raise AdapterClosedError("the connection pool is closed")
        await self._slots.acquire()
        try:
            conn = self._take_idle()
            if conn is None:
                conn = await self._connect()
        except BaseException:
            self._slots.release()
            raise
        return conn

    def release(self, conn: C) -> None:
        """Hand back a connection whose work succeeded: it is kept for reuse."""
        self._slots.release()
        if self._closed or self._is_closed(conn):
            self._abort(conn)
        else:
            self._idle.append(conn)

    def discard(self, conn: C) -> None:
        """Hand back a connection that saw an error or a cancellation: it is aborted."""
        self._slots.release()
        self._abort(conn)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[C]:
        """:meth:`acquire` as a context: released on success, discarded on any exception."""
        conn = await self.acquire()
        try:
            yield conn
        except BaseException:
            self.discard(conn)
            raise
        self.release(conn)

    def purge(self) -> None:
        """Abort every idle connection (after a failure they are likely dead too)."""
        idle, self._idle = self._idle, []
        for conn in idle:
            self._abort(conn)

    def close(self) -> None:
        """Abort idle connections and refuse further use; checked-out ones are aborted when returned."""
        self._closed = True
        self.purge()


__all__ = ["ConnectionPool"]
