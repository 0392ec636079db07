"""A Hypothesis state machine driving cron instances against a reference lock table.

Locks are taken with a long TTL so no lock lapses during a run: the model is
then exact. Every lock ever granted is kept, so releases and renewals by
stale holders (released locks, forged copies) are exercised too.
"""

from __future__ import annotations

from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule

from stepkit.conformance.harness import Harness
from stepkit.conformance.strategies import identifiers
from stepkit.conformance.suites.machine_base import AdapterMachine, instance_indexes
from stepkit.core import Capability, CronAdapter, CronLock

JOBS = ("job", "job:1", "job*", "jo", "🦄")
LONG_TTL = 60.0


class CronMachine(AdapterMachine[CronAdapter]):
    """Random acquire/release/renew/list on ``instances`` cron adapters sharing a fresh namespace."""

    def __init__(self, harness: Harness, instances: int) -> None:
        super().__init__(harness, instances, harness.cron)
        self.fencing = harness.target.declares(Capability.FENCING)
        self.held: dict[str, CronLock] = {}
        self.granted: list[CronLock] = []
        self.last_token: dict[str, int] = {}
        self.step = 0

    @rule(i=instance_indexes(), job=identifiers(JOBS))
    def acquire(self, i: int, job: str) -> None:
        adapter = self.adapters[i % len(self.adapters)]
        lock = self._do(adapter.acquire_lock(job, LONG_TTL))
        if job in self.held:
            assert lock is None, f"acquire_lock({job!r}) granted a second lock while {self.held[job].lock_id} holds it"
            return
        assert lock is not None, f"acquire_lock({job!r}) refused a free job"
        assert lock.job_name == job, f"lock for {job!r} names another job: {lock!r}"
        assert lock.instance_id == adapter.instance_id, f"lock names another instance: {lock!r}"
        assert lock.expires_at > lock.acquired_at, f"lock expires before it was acquired: {lock!r}"
        assert all(lock.lock_id != old.lock_id for old in self.granted), "a lock_id was reused"
        if self.fencing:
            token = lock.fencing_token
            assert isinstance(token, int), f"FENCING declared but fencing_token is {token!r}"
            assert token > self.last_token.get(job, -(2**63)), (
                f"fencing token of {job!r} did not rise: {token} after {self.last_token.get(job)}"
            )
            self.last_token[job] = token
        self.held[job] = lock
        self.granted.append(lock)

    @rule(i=instance_indexes(), pick=st.integers(0, 1000), forged=st.booleans())
    def release(self, i: int, pick: int, forged: bool) -> None:
        if not self.granted:
            return
        lock = self.granted[pick % len(self.granted)]
        if forged:
            lock = lock.model_copy(update={"lock_id": lock.lock_id + "-forged"})
        holder = self.held.get(lock.job_name)
        expected = holder is not None and holder.lock_id == lock.lock_id
        got = self._do(self.adapters[i % len(self.adapters)].release_lock(lock))
        assert got is expected, f"release_lock({lock.lock_id}) returned {got}; holder is {holder and holder.lock_id}"
        if expected:
            del self.held[lock.job_name]

    @rule(i=instance_indexes(), pick=st.integers(0, 1000))
    def renew(self, i: int, pick: int) -> None:
        if not self.granted:
            return
        lock = self.granted[pick % len(self.granted)]
        holder = self.held.get(lock.job_name)
        expected = holder is not None and holder.lock_id == lock.lock_id
        got = self._do(self.adapters[i % len(self.adapters)].renew_lock(lock, LONG_TTL))
        assert got is expected, f"renew_lock({lock.lock_id}) returned {got}; holder is {holder and holder.lock_id}"

    @invariant()
    def active_locks_agree(self) -> None:
        """After every step, on a rotating instance: ``active_locks()`` lists exactly the held locks."""
        self._active_locks(self.step)
        self.step += 1

    @rule(i=instance_indexes())
    def active_locks(self, i: int) -> None:
        self._active_locks(i)

    def _active_locks(self, i: int) -> None:
        infos = self._do(self.adapters[i % len(self.adapters)].active_locks(), f"active_locks() on instance {i}")
        listed = sorted((info.job_name, info.instance_id) for info in infos)
        expected = sorted((job, lock.instance_id) for job, lock in self.held.items())
        assert listed == expected, f"active_locks() = {listed}, expected {expected}"


__all__ = ["CronMachine"]
