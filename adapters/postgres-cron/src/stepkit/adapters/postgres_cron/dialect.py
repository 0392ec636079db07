"""asyncpg glue and PostgreSQL SQL for the shared cron lock model."""

from __future__ import annotations

import math

import asyncpg
from asyncpg import exceptions as pgx

from stepkit.adapters.postgres_cron.sql import Statements
from stepkit.adapters.sql_cron_common.dialect import Grant, LockRow, SqlDialect, Tables

UNAVAILABLE: tuple[type[BaseException], ...] = (
    pgx.PostgresConnectionError,  # class 08: connection failures
    pgx.OperatorInterventionError,  # class 57: shutdown, cannot connect now, statement timeout
    pgx.InsufficientResourcesError,  # class 53: too many connections, out of memory/disk
    pgx.ConnectionDoesNotExistError,
    pgx.InterfaceError,  # "connection is closed" and protocol states after a lost link
    pgx.InternalClientError,  # a pooled connection broken while idle (e.g. backend terminated)
)
"""asyncpg errors meaning "PostgreSQL is unreachable or not serving right now"."""

RETRYABLE: tuple[type[BaseException], ...] = (
    pgx.DeadlockDetectedError,  # the server rolled the statement back
    pgx.SerializationError,  # likewise
    pgx.InternalClientError,  # raised before anything is sent: the idle connection was already broken
)


def _affected(status: str) -> bool:
    return status.rsplit(" ", 1)[-1] == "1"


class PostgresDialect(SqlDialect[asyncpg.Connection]):
    """One asyncpg connection per pooled connection; server-side timeouts match the operation timeout.

    Each connection sets ``statement_timeout`` and
    ``idle_in_transaction_session_timeout`` to the operation timeout, so a
    statement whose client gave up (and aborted the connection) cannot keep
    row locks on the server for longer than that.
    """

    backend = "postgres"
    unavailable = UNAVAILABLE

    def __init__(self, tables: Tables, url: str, timeout: float) -> None:
        super().__init__(tables)
        self._url = url
        self._timeout = timeout
        self._sql = Statements.render(tables)

    async def connect(self) -> asyncpg.Connection:
        millis = str(math.ceil(self._timeout * 1000))
        connection: asyncpg.Connection = await asyncpg.connect(
            self._url,
            timeout=self._timeout,
            server_settings={
                "statement_timeout": millis,
                "idle_in_transaction_session_timeout": millis,
                "application_name": "stepkit-postgres-cron",
            },
        )
        return connection

    def abort(self, conn: asyncpg.Connection) -> None:
        conn.terminate()

    def is_closed(self, conn: asyncpg.Connection) -> bool:
        return bool(conn.is_closed())

    def is_retryable(self, exc: BaseException) -> bool:
        return isinstance(exc, RETRYABLE)

    async def create_schema(self, conn: asyncpg.Connection) -> None:
        # CREATE TABLE IF NOT EXISTS can still fail when two sessions race on
        # it (pg_type unique violation); a transaction-scoped advisory lock
        # makes concurrent first uses by several instances take turns.
        async with conn.transaction():
            await conn.execute(self._sql.schema_lock, self.tables.locks)
            await conn.execute(self._sql.schema)

    async def ensure_namespace(self, conn: asyncpg.Connection, namespace: bytes) -> None:
        await conn.execute(self._sql.namespace, namespace)

    async def acquire(
        self, conn: asyncpg.Connection, namespace: bytes, job: bytes, lock_id: str, instance: bytes, ttl_us: int
    ) -> Grant | None:
        row = await conn.fetchrow(self._sql.acquire, namespace, job, lock_id, instance, ttl_us)
        if row is None:
            return None
        return Grant(token=row[0], acquired_at=row[1], expires_at=row[2])

    async def release(self, conn: asyncpg.Connection, namespace: bytes, job: bytes, lock_id: str) -> bool:
        return _affected(await conn.execute(self._sql.release, namespace, job, lock_id))

    async def renew(self, conn: asyncpg.Connection, namespace: bytes, job: bytes, lock_id: str, ttl_us: int) -> bool:
        return _affected(await conn.execute(self._sql.renew, namespace, job, lock_id, ttl_us))

    async def active(self, conn: asyncpg.Connection, namespace: bytes) -> list[LockRow]:
        rows = await conn.fetch(self._sql.active, namespace)
        return [LockRow(job=r[0], instance=r[1], token=r[2], acquired_at=r[3], expires_at=r[4]) for r in rows]

    async def cleanup(self, conn: asyncpg.Connection, namespace: bytes, batch: int) -> int:
        async with conn.transaction():
            await conn.execute(self._sql.lock_floor, namespace)
            deleted = await conn.fetchval(self._sql.sweep, namespace, batch)
        return int(deleted or 0)

    async def ping(self, conn: asyncpg.Connection) -> None:
        await conn.fetchval("SELECT 1")


__all__ = ["RETRYABLE", "UNAVAILABLE", "PostgresDialect"]
