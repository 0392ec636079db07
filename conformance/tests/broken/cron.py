"""Deliberately broken cron adapters (subclasses of the core's local cron)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import ClassVar

from stepkit.conformance import ConformanceContext
from stepkit.core import Capability, CronLock, CronLockInfo
from stepkit.core.defaults.local_cron import LocalCronAdapter


def _config(ctx: ConformanceContext) -> dict[str, object]:
    return {
        "namespace": ctx.namespace,
        "operation_timeout": ctx.operation_timeout,
        "instance_id": f"{ctx.namespace}-{ctx.instance_index}",
    }


class ReleaseWithoutOwnerCheck(LocalCronAdapter):
    """Releases whatever lock holds the job, whoever asks (no lock_id check)."""

    async def _release_lock(self, lock: CronLock) -> bool:
        current = [i for i in await self._active_locks() if i.job_name == lock.job_name]
        if not current:
            return False
        holder = self._table._held[lock.job_name].lock
        return self._table.release(holder)


class FlatFencing(LocalCronAdapter):
    """Declares FENCING but every lock carries token 1."""

    async def _acquire_lock(self, job_name: str, ttl: float) -> CronLock | None:
        lock = await super()._acquire_lock(job_name, ttl)
        return None if lock is None else lock.model_copy(update={"fencing_token": 1})


class DoubleGrant(LocalCronAdapter):
    """Grants a held job again when the holder is another instance (checks only its own locks)."""

    async def _acquire_lock(self, job_name: str, ttl: float) -> CronLock | None:
        lock = await super()._acquire_lock(job_name, ttl)
        if lock is None and all(
            i.instance_id != self.instance_id for i in await self._active_locks() if i.job_name == job_name
        ):
            self._table._held.pop(job_name, None)
            lock = await super()._acquire_lock(job_name, ttl)
        return lock


class CrossProcessLiar(LocalCronAdapter):
    """Keeps locks in process memory but declares CROSS_PROCESS."""

    capabilities: ClassVar[frozenset[Capability]] = frozenset({Capability.FENCING, Capability.CROSS_PROCESS})


class OwnerOnly(LocalCronAdapter):
    """Treats a lock as private to the instance that took it: renew and release from another return False."""

    async def _release_lock(self, lock: CronLock) -> bool:
        return lock.instance_id == self.instance_id and await super()._release_lock(lock)

    async def _renew_lock(self, lock: CronLock, ttl: float) -> bool:
        return lock.instance_id == self.instance_id and await super()._renew_lock(lock, ttl)


class ThreeRenewals(LocalCronAdapter):
    """Like a lock library that allows only three extensions of one lock."""

    renewals: ClassVar[Counter[str]] = Counter()

    async def _renew_lock(self, lock: CronLock, ttl: float) -> bool:
        if self.renewals[lock.lock_id] >= 3:
            return False
        renewed = await super()._renew_lock(lock, ttl)
        self.renewals[lock.lock_id] += renewed
        return renewed


class ListsRecomputedExpiry(LocalCronAdapter):
    """CORRECT: lists ``expires_at`` recomputed from a remaining TTL, 40 ms off the granted lock's
    (as a backend storing only a TTL does); within the documented tolerance."""

    async def _active_locks(self) -> list[CronLockInfo]:
        return [
            info.model_copy(update={"expires_at": info.expires_at + timedelta(milliseconds=40)})
            for info in await super()._active_locks()
        ]


def owner_only(ctx: ConformanceContext) -> LocalCronAdapter:
    return OwnerOnly(_config(ctx))


def three_renewals(ctx: ConformanceContext) -> LocalCronAdapter:
    return ThreeRenewals(_config(ctx))


def lists_recomputed_expiry(ctx: ConformanceContext) -> LocalCronAdapter:
    return ListsRecomputedExpiry(_config(ctx))


def release_without_owner_check(ctx: ConformanceContext) -> LocalCronAdapter:
    return ReleaseWithoutOwnerCheck(_config(ctx))


def flat_fencing(ctx: ConformanceContext) -> LocalCronAdapter:
    return FlatFencing(_config(ctx))


def double_grant(ctx: ConformanceContext) -> LocalCronAdapter:
    return DoubleGrant(_config(ctx))


def cross_process_liar(ctx: ConformanceContext) -> LocalCronAdapter:
    return CrossProcessLiar(_config(ctx))
