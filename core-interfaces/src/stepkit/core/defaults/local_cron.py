"""``LocalCronAdapter``: cron locks for instances within one process."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from stepkit.core.capabilities import Capability
from stepkit.core.config import AdapterConfig
from stepkit.core.defaults.lock_table import LockTable
from stepkit.core.defaults.memory_backend import MemoryBackend, open_store
from stepkit.core.defaults.memory_config import LocalCronConfig
from stepkit.core.models.cron import CronLock, CronLockInfo
from stepkit.core.protocols.cron import CronAdapter


class LocalCronAdapter(CronAdapter):
    """In-process cron locks with TTL and fencing.

    Guarantees, across every instance on the same backend object (or equal
    ``store``) and namespace: at most one unexpired lock per job, so of N
    racing acquirers exactly one wins; a lock lapses exactly ``ttl`` seconds
    (monotonic clock, no tolerance needed) after it was taken or renewed;
    release and renew act only for the very ``lock_id`` that holds the job
    (release is idempotent: later calls return False); ``fencing_token``
    rises strictly with each acquisition of a job; ``active_locks`` lists
    unexpired locks only. The backend is process memory, so it is never
    unreachable: ``is_healthy`` is True until ``close``.
    """

    name: ClassVar[str] = "local"
    capabilities: ClassVar[frozenset[Capability]] = frozenset({Capability.FENCING})
    config_model: ClassVar[type[AdapterConfig]] = LocalCronConfig

    def __init__(
        self, config: AdapterConfig | Mapping[str, Any] | None = None, *, backend: MemoryBackend | None = None
    ) -> None:
        super().__init__(config)
        assert isinstance(self.config, LocalCronConfig)
        settings = self.config
        self.backend, self._table = open_store(backend, settings.store, "cron", settings.namespace, LockTable)

    async def _acquire_lock(self, job_name: str, ttl: float) -> CronLock | None:
        return self._table.acquire(job_name, self.instance_id, ttl)

    async def _release_lock(self, lock: CronLock) -> bool:
        return self._table.release(lock)

    async def _renew_lock(self, lock: CronLock, ttl: float) -> bool:
        return self._table.renew(lock, ttl)

    async def _active_locks(self) -> list[CronLockInfo]:
        return self._table.active()


__all__ = ["LocalCronAdapter"]
