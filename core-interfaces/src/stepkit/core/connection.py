"""Lazy connect and reconnect, shared by every adapter that holds a client.

:class:`LazyConnection` opens the client on first use, under a lock so that
concurrent first calls open it once, within a timeout. After a failure the
adapter calls :meth:`LazyConnection.invalidate`; the next call reconnects.
After :meth:`LazyConnection.close` it refuses further use.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from stepkit.core.deadline import deadline
from stepkit.core.errors import AdapterClosedError

C = TypeVar("C")


class LazyConnection(Generic[C]):
    """A client that is opened on first use and reopened after invalidation."""

    def __init__(
        self,
        connect: Callable[[], Awaitable[C]],
        disconnect: Callable[[C], Awaitable[None]],
        *,
        backend: str,
        connect_timeout: float,
    ) -> None:
        self._connect = connect
        self._disconnect = disconnect
        self._backend = backend
        self._timeout = connect_timeout
        self._client: C | None = None
        self._lock = asyncio.Lock()
        self._closed = False

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called."""
        return self._closed

    @property
    def connected(self) -> bool:
        """True while a client is open."""
        return self._client is not None

    async def get(self) -> C:
        """Return the open client, connecting first if needed.

        Raises:
            AdapterClosedError: after :meth:`close`.
            AdapterUnavailableError: the backend did not accept a connection in time.
        """
        if self._closed:
            raise AdapterClosedError(f"{self._backend} adapter is closed")
        client = self._client
        if client is not None:
            return client
        async with self._lock:
            if self._closed:
                raise AdapterClosedError(f"{self._backend} adapter is closed")
            if self._client is None:
                async with deadline(self._timeout, backend=self._backend, operation="connect"):
                    self._client = await self._connect()
            return self._client

    async def invalidate(self) -> None:
        """Drop the current client (best effort) so the next :meth:`get` reconnects."""
        async with self._lock:
            client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(self._timeout):
                    await self._disconnect(client)

    async def close(self) -> None:
        """Close the client; idempotent."""
        if self._closed:
            return
        self._closed = True
        async with self._lock:
            client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(self._timeout):
                    await self._disconnect(client)


__all__ = ["LazyConnection"]
