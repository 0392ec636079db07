"""What each SQL adapter supplies: its driver glue and its dialect's statements.

The lock-row model every dialect implements (tables ``{prefix}locks`` and
``{prefix}floors``):

* ``locks``: one row per ``(namespace, job)`` (both UTF-8 bytes, compared
  byte for byte) holding ``lock_id``, ``instance_id`` (bytes), ``token``,
  ``acquired_at`` and ``expires_at``. The job is held while
  ``expires_at > now`` by the DATABASE clock. Release sets ``expires_at`` to
  now instead of deleting, so the row keeps the job's token.
* ``floors``: one row per namespace, never deleted: ``floor`` is at least
  every token of every lock row ever deleted from that namespace.
* Acquire is one statement: insert the row with ``token = floor + 1`` (the
  floor read under a shared row lock), or, on conflict, take the row over only
  if it has expired, with ``token = token + 1``.
* Cleanup, in one transaction: lock the floor row exclusively, delete a batch
  of expired rows, raise the floor to the largest deleted token.

So a job's token rises strictly with each acquisition, across expiry,
release and cleanup: an acquire either finds the row (``token + 1``) or runs
after the cleanup that deleted it committed (the floor lock orders them) and
reads a floor at least as large as the deleted token.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

C = TypeVar("C")


@dataclass(frozen=True)
class Tables:
    """Table names derived from a validated prefix (safe to put in SQL text)."""

    locks: str
    floors: str

    @classmethod
    def from_prefix(cls, prefix: str) -> Tables:
        """``{prefix}locks`` and ``{prefix}floors``; ``prefix`` must already be validated."""
        return cls(locks=f"{prefix}locks", floors=f"{prefix}floors")


@dataclass(frozen=True)
class Grant:
    """What a granted acquire returns: the token and the database-clock times (UTC-aware)."""

    token: int
    acquired_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class LockRow:
    """An unexpired lock as read by ``active``."""

    job: bytes
    instance: bytes
    token: int
    acquired_at: datetime
    expires_at: datetime


class SqlDialect(abc.ABC, Generic[C]):
    """Driver glue and SQL for one database family; ``C`` is its connection type.

    Every method runs on a connection from the adapter's pool, under the
    adapter's deadline. Methods raise the driver's exceptions; the adapter
    translates them. Times are microseconds; datetimes are UTC-aware.
    """

    backend: str
    """Short backend name used in error messages (``postgres``, ``mysql``)."""

    unavailable: tuple[type[BaseException], ...]
    """Driver exceptions meaning "the server is unreachable or not serving"."""

    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    # -- driver glue --------------------------------------------------------
    @abc.abstractmethod
    async def connect(self) -> C:
        """Open one connection (the adapter bounds it in time)."""

    @abc.abstractmethod
    def abort(self, conn: C) -> None:
        """Close ``conn`` at once without a round trip. Never raises."""

    @abc.abstractmethod
    def is_closed(self, conn: C) -> bool:
        """True when the driver already knows ``conn`` is dead."""

    @abc.abstractmethod
    def is_retryable(self, exc: BaseException) -> bool:
        """True for errors after which the statement certainly had no effect, so running it again is safe.

        E.g. a deadlock or serialization failure the server rolled back, or a
        pooled connection found broken before the statement was sent.
        """

    # -- schema -------------------------------------------------------------
    @abc.abstractmethod
    async def create_schema(self, conn: C) -> None:
        """Create both tables if missing; idempotent and safe when run concurrently."""

    @abc.abstractmethod
    async def ensure_namespace(self, conn: C, namespace: bytes) -> None:
        """Create the namespace's floor row (``floor = 0``) if missing; idempotent."""

    # -- locks --------------------------------------------------------------
    @abc.abstractmethod
    async def acquire(
        self, conn: C, namespace: bytes, job: bytes, lock_id: str, instance: bytes, ttl_us: int
    ) -> Grant | None:
        """Take the job if free or expired (one atomic step); ``None`` when it is held."""

    @abc.abstractmethod
    async def release(self, conn: C, namespace: bytes, job: bytes, lock_id: str) -> bool:
        """End the lock if ``lock_id`` holds it unexpired; True if it did."""

    @abc.abstractmethod
    async def renew(self, conn: C, namespace: bytes, job: bytes, lock_id: str, ttl_us: int) -> bool:
        """Set ``expires_at = now + ttl`` if ``lock_id`` holds it unexpired; True if it did."""

    @abc.abstractmethod
    async def active(self, conn: C, namespace: bytes) -> list[LockRow]:
        """Every unexpired lock of the namespace, ordered by job bytes."""

    @abc.abstractmethod
    async def cleanup(self, conn: C, namespace: bytes, batch: int) -> int:
        """Delete up to ``batch`` expired rows, raising the floor; the number deleted."""

    @abc.abstractmethod
    async def ping(self, conn: C) -> None:
        """One trivial round trip."""


__all__ = ["Grant", "LockRow", "SqlDialect", "Tables"]
