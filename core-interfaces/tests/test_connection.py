"""LazyConnection: connect once, reconnect after invalidation, refuse after close."""

from __future__ import annotations

import asyncio

import pytest

from stepkit.core.connection import LazyConnection
from stepkit.core.errors import AdapterClosedError, AdapterUnavailableError


class Server:
    def __init__(self) -> None:
        self.connects = 0
        self.disconnects = 0
        self.down = False

    async def connect(self) -> int:
        await asyncio.sleep(0)
        if self.down:
            raise ConnectionRefusedError("down")
        self.connects += 1
        return self.connects

    async def disconnect(self, client: int) -> None:
        self.disconnects += 1


async def test_concurrent_first_use_connects_once() -> None:
    server = Server()
    conn = LazyConnection(server.connect, server.disconnect, backend="x", connect_timeout=1)
    clients = await asyncio.gather(*(conn.get() for _ in range(10)))
    assert set(clients) == {1}
    assert server.connects == 1
    assert conn.connected


async def test_reconnects_after_outage() -> None:
    server = Server()
    conn = LazyConnection(server.connect, server.disconnect, backend="x", connect_timeout=1)
    assert await conn.get() == 1
    server.down = True
    await conn.invalidate()
    assert not conn.connected
    assert server.disconnects == 1
    with pytest.raises(AdapterUnavailableError):
        await conn.get()
    server.down = False
    assert await conn.get() == 2


async def test_connect_timeout_is_unavailable() -> None:
    async def hang() -> int:
        await asyncio.Event().wait()
        return 0

    async def noop(client: int) -> None:
        return None

    conn = LazyConnection(hang, noop, backend="x", connect_timeout=0.01)
    with pytest.raises(AdapterUnavailableError):
        await conn.get()


async def test_close_is_idempotent_and_final() -> None:
    server = Server()
    conn = LazyConnection(server.connect, server.disconnect, backend="x", connect_timeout=1)
    await conn.get()
    await conn.close()
    await conn.close()
    assert conn.closed
    assert server.disconnects == 1
    with pytest.raises(AdapterClosedError):
        await conn.get()
