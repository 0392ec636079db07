"""The cron lock service: at most one holder per job, across all instances."""

from __future__ import annotations

import abc
import math
import uuid
from typing import ClassVar

from pydantic import Field

from stepkit.core.adapter import Adapter, AdapterKind
from stepkit.core.config import AdapterConfig
from stepkit.core.identifiers import validate_identifier
from stepkit.core.models.cron import CronLock, CronLockInfo


def _check_ttl(ttl: float) -> float:
    if isinstance(ttl, bool) or not isinstance(ttl, (int, float)) or not math.isfinite(ttl) or ttl <= 0:
        raise ValueError(f"lock ttl must be a positive number of seconds, got {ttl!r}")
    return float(ttl)


class CronAdapterConfig(AdapterConfig):
    """Settings shared by cron adapters: ``instance_id`` names this holder."""

    instance_id: str = Field(default_factory=lambda: uuid.uuid4().hex)


class CronAdapter(Adapter):
    """Distributed locks for cron ticks.

    Guarantees, across every instance on the namespace:

    * At any instant at most one unexpired lock exists per job; of N racing
      acquirers exactly one wins.
    * A lock lapses after its ``ttl`` (within the adapter's documented
      tolerance) and can then be taken again.
    * ``release_lock``/``renew_lock`` act only while that very ``lock_id``
      still holds the job; a stale holder can never touch a newer lock.
      Release is idempotent.
    * With ``FENCING``, ``fencing_token`` rises strictly with every acquisition.
    * Fail-safe: when the backend is unreachable nothing is granted
      (``acquire_lock`` returns ``None`` or raises ``AdapterUnavailableError``)
      and ``is_healthy()`` turns False within the timeout.
    """

    kind: ClassVar[AdapterKind] = "cron"
    config_model: ClassVar[type[AdapterConfig]] = CronAdapterConfig

    @property
    def instance_id(self) -> str:
        """This instance's holder id, recorded in every lock it takes."""
        config = self.config
        assert isinstance(config, CronAdapterConfig)
        return config.instance_id

    async def acquire_lock(self, job_name: str, ttl: float) -> CronLock | None:
        """Take the job's lock for ``ttl`` seconds, or return ``None`` if it is held."""
        self._check_open()
        return await self._acquire_lock(validate_identifier(job_name, "job_name"), _check_ttl(ttl))

    async def release_lock(self, lock: CronLock) -> bool:
        """Free the lock if ``lock.lock_id`` still holds it; True if it did. Idempotent."""
        self._check_open()
        return await self._release_lock(lock)

    async def renew_lock(self, lock: CronLock, ttl: float) -> bool:
        """Extend the lock to ``ttl`` seconds from now; True only while still held."""
        self._check_open()
        return await self._renew_lock(lock, _check_ttl(ttl))

    async def active_locks(self) -> list[CronLockInfo]:
        """Every unexpired lock in the namespace."""
        self._check_open()
        return await self._active_locks()

    @abc.abstractmethod
    async def _acquire_lock(self, job_name: str, ttl: float) -> CronLock | None: ...

    @abc.abstractmethod
    async def _release_lock(self, lock: CronLock) -> bool: ...

    @abc.abstractmethod
    async def _renew_lock(self, lock: CronLock, ttl: float) -> bool: ...

    @abc.abstractmethod
    async def _active_locks(self) -> list[CronLockInfo]: ...


__all__ = ["CronAdapter", "CronAdapterConfig"]
