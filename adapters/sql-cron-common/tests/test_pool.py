"""The pool's rules, on plain objects (pure logic, no server involved)."""

from __future__ import annotations

import asyncio

import pytest

from stepkit.adapters.sql_cron_common.pool import ConnectionPool
from stepkit.core.errors import AdapterClosedError


class Conn:
    """A stand-in connection recording whether it was aborted."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.aborted = False
        self.dead = False


def make_pool(size: int = 2) -> tuple[ConnectionPool[Conn], list[Conn]]:
    opened: list[Conn] = []

    async def connect() -> Conn:
        conn = Conn(len(opened))
        opened.append(conn)
        return conn

    def abort(conn: Conn) -> None:
        conn.aborted = True

    return ConnectionPool(connect, abort, lambda conn: conn.dead, size), opened


async def test_reuses_a_connection_whose_work_succeeded() -> None:
    pool, opened = make_pool()
    async with pool.connection() as first:
        pass
    async with pool.connection() as second:
        pass
    assert first is second
    assert len(opened) == 1


async def test_aborts_a_connection_that_saw_an_error_or_a_cancellation() -> None:
    pool, opened = make_pool()
    with pytest.raises(RuntimeError):
        async with pool.connection():
            raise RuntimeError("boom")
    assert opened[0].aborted
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.01), pool.connection():
            await asyncio.sleep(1)
    assert opened[1].aborted
    assert pool.idle_count == 0


async def test_skips_idle_connections_the_driver_saw_die() -> None:
    pool, opened = make_pool()
    async with pool.connection():
        pass
    opened[0].dead = True
    async with pool.connection() as conn:
        assert conn.number == 1
    assert opened[0].aborted


async def test_limits_checked_out_connections() -> None:
    pool, opened = make_pool(size=2)
    inside = 0
    most = 0

    async def work() -> None:
        nonlocal inside, most
        async with pool.connection():
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.01)
            inside -= 1

    await asyncio.gather(*(work() for _ in range(6)))
    assert most == 2
    assert len(opened) == 2


async def test_purge_and_close() -> None:
    pool, opened = make_pool()
    async with pool.connection():
        pass
    pool.purge()
    assert opened[0].aborted
    pool.close()
    with pytest.raises(AdapterClosedError):
        async with pool.connection():
            pass
