"""asyncmy glue and MySQL/MariaDB SQL for the shared cron lock model."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import asyncmy
from asyncmy import errors as myerr
from asyncmy.connection import Connection

from stepkit.adapters.mysql_cron.config import MySQLAddress
from stepkit.adapters.mysql_cron.sql import Statements
from stepkit.adapters.sql_cron_common.dialect import Grant, LockRow, SqlDialect, Tables

UNAVAILABLE: tuple[type[BaseException], ...] = (
    myerr.OperationalError,  # 2003 cannot connect, 2006 gone away, 2013 lost connection, 1205 lock wait
    myerr.InterfaceError,  # the connection is already closed
)
"""Driver errors meaning "the server is unreachable or not serving right now"."""

DEADLOCK = 1213
"""ER_LOCK_DEADLOCK: InnoDB rolled the transaction back; running it again is safe."""


def _count(rowcount: object) -> int:
    """The affected-row count (changed rows: the driver does not ask for found rows)."""
    assert isinstance(rowcount, int)
    return rowcount


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC)


class MySQLDialect(SqlDialect[Connection]):
    """One asyncmy connection per pooled connection (autocommit, UTC session).

    Each connection sets ``time_zone = '+00:00'`` (``DATETIME(6)`` columns
    then hold UTC) and ``innodb_lock_wait_timeout`` to the operation timeout,
    so a statement whose client gave up cannot wait on row locks for long.
    """

    backend = "mysql"
    unavailable = UNAVAILABLE

    def __init__(self, tables: Tables, address: MySQLAddress, timeout: float) -> None:
        super().__init__(tables)
        self._address = address
        self._timeout = timeout
        self._sql = Statements.render(tables)

    async def connect(self) -> Connection:
        address = self._address
        wait = max(1, math.ceil(self._timeout))
        connection: Connection = await asyncmy.connect(
            host=address.host,
            port=address.port,
            user=address.user,
            password=address.password,
            db=address.database,
            autocommit=True,
            connect_timeout=self._timeout,
            init_command=f"SET time_zone = '+00:00', innodb_lock_wait_timeout = {wait}, sql_notes = 0",
        )
        return connection

    def abort(self, conn: Connection) -> None:
        conn.close()

    def is_closed(self, conn: Connection) -> bool:
        return not conn.connected

    def is_retryable(self, exc: BaseException) -> bool:
        return isinstance(exc, myerr.OperationalError) and bool(exc.args) and exc.args[0] == DEADLOCK

    async def _execute(self, conn: Connection, sql: str, args: tuple[Any, ...]) -> int:
        async with conn.cursor() as cur:
            await cur.execute(sql, args)
            return _count(cur.rowcount)

    async def create_schema(self, conn: Connection) -> None:
        # CREATE TABLE IF NOT EXISTS is atomic under MySQL's metadata locks:
        # concurrent first uses by several instances create each table once.
        async with conn.cursor() as cur:
            await cur.execute(self._sql.locks_table)
            await cur.execute(self._sql.floors_table)

    async def ensure_namespace(self, conn: Connection, namespace: bytes) -> None:
        await self._execute(conn, self._sql.namespace, (namespace,))

    async def acquire(
        self, conn: Connection, namespace: bytes, job: bytes, lock_id: str, instance: bytes, ttl_us: int
    ) -> Grant | None:
        args = (job, lock_id, instance, ttl_us, namespace, namespace, job, lock_id)
        async with conn.cursor() as cur:
            await cur.execute(self._sql.acquire, args)
            await cur.nextset()
            row = await cur.fetchone()
        if row is None:
            return None
        return Grant(token=int(row[0]), acquired_at=_utc(row[1]), expires_at=_utc(row[2]))

    async def release(self, conn: Connection, namespace: bytes, job: bytes, lock_id: str) -> bool:
        return await self._execute(conn, self._sql.release, (namespace, job, lock_id)) == 1

    async def renew(self, conn: Connection, namespace: bytes, job: bytes, lock_id: str, ttl_us: int) -> bool:
        return await self._execute(conn, self._sql.renew, (ttl_us, namespace, job, lock_id)) == 1

    async def active(self, conn: Connection, namespace: bytes) -> list[LockRow]:
        async with conn.cursor() as cur:
            await cur.execute(self._sql.active, (namespace,))
            rows = await cur.fetchall()
        return [
            LockRow(
                job=bytes(r[0]), instance=bytes(r[1]), token=int(r[2]), acquired_at=_utc(r[3]), expires_at=_utc(r[4])
            )
            for r in rows
        ]

    async def cleanup(self, conn: Connection, namespace: bytes, batch: int) -> int:
        # Any error aborts the connection (the pool never reuses it), and the
        # server rolls the open transaction back.
        await conn.begin()
        async with conn.cursor() as cur:
            await cur.execute(self._sql.lock_floor, (namespace,))
            await cur.execute(self._sql.expired, (namespace, batch))
            rows = await cur.fetchall()
            if rows:
                await cur.execute(self._sql.raise_floor, (max(int(r[1]) for r in rows), namespace))
                jobs = [bytes(r[0]) for r in rows]
                await cur.execute(self._sql.delete(self.tables, len(jobs)), (namespace, *jobs))
        await conn.commit()
        return len(rows)

    async def ping(self, conn: Connection) -> None:
        async with conn.cursor() as cur:
            await cur.execute("SELECT 1")
            await cur.fetchone()


__all__ = ["DEADLOCK", "UNAVAILABLE", "MySQLDialect"]
