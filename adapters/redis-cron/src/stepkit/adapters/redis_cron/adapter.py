"""The Redis cron lock adapter.

Key layout (``P`` = ``{key_prefix}:{<encoded namespace>}``):

* ``P:lock:<encoded job>``: the lock, a string with a ``PX`` expiry.
* ``P:fence:<encoded job>``: the job's fencing counter (``INCR`` on each grant).
* ``P:locks``: sorted set of encoded job names scored by expiry (ms), for
  ``active_locks`` without scanning the keyspace.

Every step is one Lua script, atomic on the server, using the server clock
(``TIME``), so instance clock skew never affects who holds a lock.
"""

from __future__ import annotations

import math
import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from stepkit.adapters.redis_common.connection import RedisConnection
from stepkit.adapters.redis_common.keys import decode, segment
from stepkit.adapters.redis_common.lifecycle import RedisBackedAdapter
from stepkit.adapters.redis_cron.config import RedisCronConfig
from stepkit.adapters.redis_cron.scripts import ACQUIRE, ACTIVE, RELEASE, RENEW
from stepkit.core.capabilities import Capability
from stepkit.core.config import AdapterConfig
from stepkit.core.models.cron import CronLock, CronLockInfo
from stepkit.core.protocols.cron import CronAdapter

_LOCK = "lock"
_FENCE = "fence"
_INDEX = "locks"


def _time(milliseconds: int | bytes) -> datetime:
    return datetime.fromtimestamp(int(milliseconds) / 1000, tz=UTC)


def _ttl_ms(ttl: float) -> int:
    return max(1, math.ceil(ttl * 1000))


class RedisCronAdapter(RedisBackedAdapter, CronAdapter):
    """Cron locks on Redis with fencing tokens.

    Guarantees (every instance on the namespace):

    * At most one unexpired lock per job; of N racing acquirers exactly one
      wins (one atomic script per acquire).
    * A lock lapses ``ttl`` after it was taken or renewed, by the Redis
      server clock, to the millisecond.
    * Release and renew act only while the caller's ``lock_id`` holds the job.
    * ``fencing_token`` rises strictly with each grant of a job; a refused
      acquire consumes no token.
    * Fail-safe: if Redis cannot be reached, or the reply is lost,
      ``acquire_lock`` raises ``AdapterUnavailableError``; a lock the server
      may have granted without the caller knowing simply lapses. Nothing is
      ever granted in doubt.
    """

    name: ClassVar[str] = "redis"
    capabilities: ClassVar[frozenset[Capability]] = frozenset({Capability.FENCING, Capability.CROSS_PROCESS})
    config_model: ClassVar[type[AdapterConfig]] = RedisCronConfig

    def __init__(self, config: AdapterConfig | dict[str, Any] | None = None) -> None:
        super().__init__(config)
        settings = self.config
        assert isinstance(settings, RedisCronConfig)
        self._redis = RedisConnection(settings)
        self._index = self._redis.keys.key(_INDEX)
        self._lock_prefix = self._redis.keys.key(_LOCK) + ":"

    async def _acquire_lock(self, job_name: str, ttl: float) -> CronLock | None:
        member = segment(job_name)
        lock_id = uuid.uuid4().hex
        keys = (self._lock_prefix + member, self._redis.keys.key(_FENCE, job_name), self._index)
        granted = await self._redis.script(
            "acquire_lock", ACQUIRE, keys, (lock_id, _ttl_ms(ttl), self.instance_id, member)
        )
        if granted is None:
            return None
        token, acquired, expires = granted
        return CronLock(
            job_name=job_name,
            lock_id=lock_id,
            instance_id=self.instance_id,
            acquired_at=_time(acquired),
            expires_at=_time(expires),
            fencing_token=int(token),
        )

    async def _release_lock(self, lock: CronLock) -> bool:
        member = segment(lock.job_name)
        keys = (self._lock_prefix + member, self._index)
        return bool(await self._redis.script("release_lock", RELEASE, keys, (lock.lock_id, member)))

    async def _renew_lock(self, lock: CronLock, ttl: float) -> bool:
        member = segment(lock.job_name)
        keys = (self._lock_prefix + member, self._index)
        return bool(await self._redis.script("renew_lock", RENEW, keys, (lock.lock_id, _ttl_ms(ttl), member)))

    async def _active_locks(self) -> list[CronLockInfo]:
        flat = await self._redis.script("active_locks", ACTIVE, (self._index,), (self._lock_prefix,))
        locks: list[CronLockInfo] = []
        for index in range(0, len(flat), 2):
            _, token, acquired, expires, instance = flat[index + 1].decode("utf-8").split("\n", 4)
            locks.append(
                CronLockInfo(
                    job_name=decode(flat[index]),
                    instance_id=instance,
                    acquired_at=_time(int(acquired)),
                    expires_at=_time(int(expires)),
                    fencing_token=int(token),
                )
            )
        return locks


__all__ = ["RedisCronAdapter"]
