"""The cron adapter over any :class:`SqlDialect`: lifecycle, pool, deadlines, model mapping, sweeps."""

from __future__ import annotations

import abc
import asyncio
import contextlib
import logging
import math
import random
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar, TypeVar

from stepkit.adapters.sql_cron_common.config import SqlCronConfig
from stepkit.adapters.sql_cron_common.dialect import SqlDialect, Tables
from stepkit.adapters.sql_cron_common.pool import ConnectionPool
from stepkit.core.capabilities import Capability
from stepkit.core.config import AdapterConfig
from stepkit.core.deadline import translate_error
from stepkit.core.errors import AdapterError
from stepkit.core.models.cron import CronLock, CronLockInfo
from stepkit.core.protocols.cron import CronAdapter

T = TypeVar("T")

logger = logging.getLogger("stepkit.adapters.sql_cron")

RETRIES = 3
"""Attempts for a statement that certainly had no effect (see ``SqlDialect.is_retryable``)."""


def ttl_microseconds(ttl: float) -> int:
    """A validated ttl in whole microseconds (at least 1)."""
    return max(1, math.ceil(ttl * 1_000_000))


def encode(text: str) -> bytes:
    """Identifiers are stored as their UTF-8 bytes: compared byte for byte, no collation, NUL allowed."""
    return text.encode("utf-8")


class SqlCronAdapter(CronAdapter):
    """Cron locks in a SQL table, with fencing tokens; the dialect supplies the SQL.

    Guarantees (every instance on the namespace, any number of processes):

    * At most one unexpired lock per job; of N racing acquirers exactly one
      wins (one atomic statement per acquire, conflicts on the primary key).
    * Expiry is judged by the DATABASE clock only; a lock lapses ``ttl``
      after it was taken or renewed (to the microsecond), whatever the
      instances' clocks say.
    * Release and renew act only while the caller's ``lock_id`` holds the
      job unexpired; a stale holder can never touch a newer lock. Release is
      idempotent.
    * ``fencing_token`` rises strictly with each acquisition of a job, across
      expiry, release and the sweeps that delete expired rows.
    * Every call finishes within ``operation_timeout`` (connecting and
      waiting for a pooled connection included) or raises
      ``AdapterUnavailableError``. A connection that saw an error or a
      timeout is aborted, never reused, so the adapter reconnects by itself.
    * Fail-safe: when the outcome of an acquire is unknown the call raises;
      a lock the server may have granted simply lapses. Nothing is granted
      in doubt.
    """

    capabilities: ClassVar[frozenset[Capability]] = frozenset({Capability.FENCING, Capability.CROSS_PROCESS})
    config_model: ClassVar[type[AdapterConfig]] = SqlCronConfig

    def __init__(self, config: AdapterConfig | dict[str, Any] | None = None) -> None:
        super().__init__(config)
        settings = self.config
        assert isinstance(settings, SqlCronConfig)
        self._settings = settings
        self._dialect = self._make_dialect(settings, Tables.from_prefix(settings.table_prefix))
        self._pool: ConnectionPool[Any] = ConnectionPool(
            self._dialect.connect, self._dialect.abort, self._dialect.is_closed, settings.pool_size
        )
        self._namespace = encode(settings.namespace)
        self._instance = encode(settings.instance_id)
        self._schema_ready = False
        self._schema_lock = asyncio.Lock()
        # The first sweep comes at a random point of the first interval, so
        # instances started together do not sweep together.
        self._next_sweep = time.monotonic() + settings.cleanup_interval * random.random()
        self._sweep_task: asyncio.Task[None] | None = None

    @classmethod
    @abc.abstractmethod
    def _make_dialect(cls, settings: SqlCronConfig, tables: Tables) -> SqlDialect[Any]:
        """The dialect for these settings (no connection yet)."""

    @property
    def dialect(self) -> SqlDialect[Any]:
        """The dialect in use (its ``tables`` name the tables)."""
        return self._dialect

    # -- running statements ----------------------------------------------------
    async def _ensure_schema(self, conn: Any) -> None:
        if self._schema_ready:
            return
        async with self._schema_lock:
            if not self._schema_ready:
                await self._dialect.create_schema(conn)
                await self._dialect.ensure_namespace(conn, self._namespace)
                self._schema_ready = True

    async def _run(self, operation: str, work: Callable[[Any], Awaitable[T]]) -> T:
        """Run ``work(conn)`` within ``operation_timeout``, errors translated, deadlocks retried.

        The rules of :func:`stepkit.core.deadline.deadline`, written out on this
        hot path: time-outs and driver connection errors become
        ``AdapterUnavailableError``, other driver errors ``AdapterError``.
        """
        timeout = self._settings.operation_timeout
        try:
            async with asyncio.timeout(timeout):
                return await self._attempts(work)
        except AdapterError:
            raise
        except Exception as exc:
            dialect = self._dialect
            raise translate_error(
                exc, timeout, backend=dialect.backend, operation=operation, unavailable=dialect.unavailable
            ) from exc

    async def _attempts(self, work: Callable[[Any], Awaitable[T]]) -> T:
        pool = self._pool
        attempt = 1
        while True:
            conn = await pool.acquire()
            try:
                if not self._schema_ready:
                    await self._ensure_schema(conn)
                result = await work(conn)
            except Exception as exc:
                pool.discard(conn)
                if attempt < RETRIES and self._dialect.is_retryable(exc):
                    attempt += 1
                    if isinstance(exc, self._dialect.unavailable):
                        pool.purge()  # the other idle connections are likely broken too
                    continue
                pool.purge()
                raise
            except BaseException:
                pool.discard(conn)
                pool.purge()
                raise
            pool.release(conn)
            return result

    # -- the cron hooks -------------------------------------------------------
    async def _acquire_lock(self, job_name: str, ttl: float) -> CronLock | None:
        lock_id = uuid.uuid4().hex
        job = encode(job_name)
        ttl_us = ttl_microseconds(ttl)
        grant = await self._run(
            "acquire_lock",
            lambda conn: self._dialect.acquire(conn, self._namespace, job, lock_id, self._instance, ttl_us),
        )
        self._maybe_sweep()
        if grant is None:
            return None
        # Every field is already of its model type (validated identifier, str
        # ids, UTC datetimes and an int from the database): skip re-validation.
        return CronLock.model_construct(
            job_name=job_name,
            lock_id=lock_id,
            instance_id=self.instance_id,
            acquired_at=grant.acquired_at,
            expires_at=grant.expires_at,
            fencing_token=grant.token,
        )

    async def _release_lock(self, lock: CronLock) -> bool:
        job = encode(lock.job_name)
        return await self._run(
            "release_lock", lambda conn: self._dialect.release(conn, self._namespace, job, lock.lock_id)
        )

    async def _renew_lock(self, lock: CronLock, ttl: float) -> bool:
        job = encode(lock.job_name)
        ttl_us = ttl_microseconds(ttl)
        return await self._run(
            "renew_lock", lambda conn: self._dialect.renew(conn, self._namespace, job, lock.lock_id, ttl_us)
        )

    async def _active_locks(self) -> list[CronLockInfo]:
        rows = await self._run("active_locks", lambda conn: self._dialect.active(conn, self._namespace))
        return [
            CronLockInfo(
                job_name=row.job.decode("utf-8"),
                instance_id=row.instance.decode("utf-8"),
                acquired_at=row.acquired_at,
                expires_at=row.expires_at,
                fencing_token=row.token,
            )
            for row in rows
        ]

    # -- sweeps ---------------------------------------------------------------
    async def cleanup(self) -> int:
        """Delete up to ``cleanup_batch`` expired lock rows of this namespace now; the number deleted.

        Runs by itself every ``cleanup_interval`` seconds after an acquire.
        Fencing tokens keep rising across it (see :mod:`.dialect`).
        """
        self._check_open()
        batch = self._settings.cleanup_batch
        return await self._run("cleanup", lambda conn: self._dialect.cleanup(conn, self._namespace, batch))

    def _maybe_sweep(self) -> None:
        now = time.monotonic()
        if now < self._next_sweep or self._closed or (self._sweep_task is not None and not self._sweep_task.done()):
            return
        self._next_sweep = now + self._settings.cleanup_interval
        self._sweep_task = asyncio.get_running_loop().create_task(self._sweep())

    async def _sweep(self) -> None:
        try:
            deleted = await self.cleanup()
        except AdapterError as exc:
            logger.warning("cron lock cleanup of namespace %r failed: %s", self._settings.namespace, exc)
        else:
            if deleted:
                logger.debug("cron lock cleanup deleted %d expired rows", deleted)

    # -- lifecycle ------------------------------------------------------------
    async def _open(self) -> None:
        await self._run("open", self._dialect.ping)

    async def _close(self) -> None:
        task, self._sweep_task = self._sweep_task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, AdapterError):
                await task
        self._pool.close()

    async def is_healthy(self) -> bool:
        """True when the database answers a trivial query within the operation timeout. Never raises."""
        if self._closed:
            return False
        try:
            await self._run("is_healthy", self._dialect.ping)
        except Exception:  # noqa: BLE001 - health probe
            return False
        return True


__all__ = ["SqlCronAdapter", "encode", "ttl_microseconds"]
