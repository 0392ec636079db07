"""Cron locks in memory: the data model of :class:`LocalCronAdapter`.

One table per namespace. Decisions use the monotonic clock (immune to wall
clock jumps); ``acquired_at``/``expires_at`` are reported in UTC wall time.
Fencing counters survive release and expiry, so a job's token rises strictly
with every acquisition for the life of the process. Thread-safe; never awaits.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from stepkit.core.models.cron import CronLock, CronLockInfo


@dataclass(frozen=True)
class _Held:
    lock: CronLock
    deadline: float

    def live(self, now: float) -> bool:
        return self.deadline > now


class LockTable:
    """``job -> current lock`` plus a fencing counter per job."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[str, _Held] = {}
        self._tokens: dict[str, int] = {}

    def acquire(self, job_name: str, instance_id: str, ttl: float) -> CronLock | None:
        """A new lock for ``ttl`` seconds, or None while an unexpired one exists."""
        with self._lock:
            now = time.monotonic()
            current = self._held.get(job_name)
            if current is not None and current.live(now):
                return None
            token = self._tokens.get(job_name, 0) + 1
            self._tokens[job_name] = token
            acquired = datetime.now(UTC)
            lock = CronLock(
                job_name=job_name,
                lock_id=uuid.uuid4().hex,
                instance_id=instance_id,
                acquired_at=acquired,
                expires_at=acquired + timedelta(seconds=ttl),
                fencing_token=token,
            )
            self._held[job_name] = _Held(lock, now + ttl)
            return lock

    def release(self, lock: CronLock) -> bool:
        """Free the job if ``lock.lock_id`` holds it (even if just expired); True if it did."""
        with self._lock:
            current = self._held.get(lock.job_name)
            if current is None or current.lock.lock_id != lock.lock_id:
                return False
            del self._held[lock.job_name]
            return current.live(time.monotonic())

    def renew(self, lock: CronLock, ttl: float) -> bool:
        """Extend to ``ttl`` seconds from now, only while ``lock.lock_id`` holds it unexpired."""
        with self._lock:
            now = time.monotonic()
            current = self._held.get(lock.job_name)
            if current is None or current.lock.lock_id != lock.lock_id or not current.live(now):
                return False
            expires = datetime.now(UTC) + timedelta(seconds=ttl)
            self._held[lock.job_name] = _Held(current.lock.model_copy(update={"expires_at": expires}), now + ttl)
            return True

    def active(self) -> list[CronLockInfo]:
        """Every unexpired lock."""
        with self._lock:
            now = time.monotonic()
            return [
                CronLockInfo(**held.lock.model_dump(exclude={"lock_id"}))
                for held in self._held.values()
                if held.live(now)
            ]


__all__ = ["LockTable"]
