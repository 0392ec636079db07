"""Expiry, release, renew, fencing, listing, identifiers, namespaces, lifecycle."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest

from stepkit.conformance.harness import Harness, new_namespace, scenario
from stepkit.conformance.strategies import LONGEST_IDENTIFIER, NASTY_IDENTIFIERS, fresh_copy
from stepkit.core import AdapterClosedError, Capability, CronAdapter, CronLock

pytestmark = pytest.mark.cron

SHORT = 0.5
TOLERANCE = 2.0
"""Seconds after expires_at by which a lapsed lock must be free again."""
LISTED_EXPIRY_TOLERANCE = 0.5
"""Seconds by which ``active_locks()``' ``expires_at`` may differ from the granted lock's.

An adapter may recompute it from the backend's remaining TTL (rounded, read a little
later, on another clock), so it is not compared exactly; half a second still tells a
listed lock from a renewed or another one (the suites renew by many seconds)."""


async def _take_after_expiry(adapter: CronAdapter, job: str, ttl: float, lock: CronLock) -> CronLock:
    deadline = time.monotonic() + ttl + TOLERANCE
    while True:
        taken = await adapter.acquire_lock(job, 30)
        if taken is not None:
            return taken
        assert time.monotonic() < deadline, f"a lock with ttl={ttl} was still held {ttl + TOLERANCE:g}s later"
        await asyncio.sleep(0.05)


@pytest.mark.multi
@pytest.mark.clause("cron.expiry")
@scenario
async def test_cron_expired_lock_can_be_taken_over(harness: Harness) -> None:
    first, second = await harness.cron(), await harness.cron()
    lock = await first.acquire_lock("exp", SHORT)
    assert lock is not None
    span = (lock.expires_at - lock.acquired_at).total_seconds()
    assert abs(span - SHORT) < 0.5, f"expires_at - acquired_at = {span:.3f}s for ttl={SHORT}"
    assert await second.acquire_lock("exp", SHORT) is None, "a fresh lock was taken by another instance"
    taken = await _take_after_expiry(second, "exp", SHORT, lock)
    assert taken.instance_id == second.instance_id


@pytest.mark.multi
@pytest.mark.clause("cron.release")
@scenario
async def test_cron_stale_holder_cannot_release(harness: Harness) -> None:
    stale, fresh, third = await harness.cron(), await harness.cron(), await harness.cron()
    old = await stale.acquire_lock("rel", SHORT)
    assert old is not None
    new = await _take_after_expiry(fresh, "rel", SHORT, old)
    assert await stale.release_lock(old) is False, "a stale holder released the new holder's lock"
    assert await stale.renew_lock(old, 30) is False, "a stale holder renewed the new holder's lock"
    assert await third.acquire_lock("rel", 30) is None, "the job became free after a stale release"
    forged = new.model_copy(update={"lock_id": "not-" + new.lock_id})
    assert await third.release_lock(forged) is False, "a lock with another lock_id released the job"
    assert await fresh.release_lock(new) is True
    assert await fresh.release_lock(new) is False, "release is idempotent: a second release frees nothing"
    taken = await third.acquire_lock("rel", 30)
    assert taken is not None, "the job is not free after its holder released it"
    assert await fresh.release_lock(new) is False, "an old lock released a newer holder"
    assert await third.acquire_lock("rel", 30) is None


@pytest.mark.core
@pytest.mark.clause("cron.renew")
@scenario
async def test_cron_renew_only_while_held(harness: Harness) -> None:
    cron = await harness.cron()
    other = await harness.cron()
    lock = await cron.acquire_lock("ren", 1.0)
    assert lock is not None
    await asyncio.sleep(0.5)
    assert await cron.renew_lock(lock, 3.0) is True, "renew by the holder failed"
    await asyncio.sleep(0.8)
    assert await other.acquire_lock("ren", 30) is None, "a renewed lock lapsed at its original expiry"
    assert await cron.release_lock(lock) is True
    assert await cron.renew_lock(lock, 3.0) is False, "renew succeeded after release"
    assert await other.acquire_lock("ren", 30) is not None, "renew after release re-took the job"


RENEWALS = 12
"""Renewals in a row that a holder must get: a lock library capping extensions (at 3, say) fails."""


@pytest.mark.core
@pytest.mark.clause("cron.renew")
@scenario
async def test_cron_renew_many_times_in_a_row(harness: Harness) -> None:
    cron = await harness.cron()
    other = await harness.cron()
    lock = await cron.acquire_lock("ren-many", 30)
    assert lock is not None
    for n in range(1, RENEWALS + 1):
        assert await cron.renew_lock(lock, 30) is True, (
            f"renewal {n} of {RENEWALS} in a row by the holder returned False: a holder may renew any number of times"
        )
    assert await other.acquire_lock("ren-many", 30) is None, f"the job was free after {RENEWALS} renewals"
    assert await cron.release_lock(lock) is True, f"release after {RENEWALS} renewals failed"


@pytest.mark.multi
@pytest.mark.clause("cron.bearer")
@scenario
async def test_cron_lock_is_a_bearer_credential(harness: Harness) -> None:
    taker, renewer, releaser, watcher = [await harness.cron() for _ in range(4)]
    lock = await taker.acquire_lock("bearer", 30)
    assert lock is not None
    assert await renewer.renew_lock(lock, 30) is True, (
        "renew_lock() from another instance than the one that took the lock returned False: "
        "a CronLock is a bearer credential, usable from any instance of the namespace"
    )
    assert await watcher.acquire_lock("bearer", 30) is None, "the job was free after another instance renewed it"
    assert await releaser.release_lock(lock) is True, (
        "release_lock() from another instance than the one that took the lock returned False: "
        "a CronLock is a bearer credential, usable from any instance of the namespace"
    )
    again = await watcher.acquire_lock("bearer", 30)
    assert again is not None, "the job was still held after another instance released the lock"
    assert await releaser.renew_lock(lock, 30) is False, "a released lock was renewed (by another instance)"
    assert await taker.release_lock(lock) is False, "a released lock released the new holder's lock"


@pytest.mark.multi
@pytest.mark.requires(Capability.FENCING)
@pytest.mark.clause("cron.fencing")
@scenario
async def test_cron_fencing_token_rises_strictly(harness: Harness) -> None:
    instances = [await harness.cron() for _ in range(3)]
    tokens: list[int] = []
    for n in range(9):
        adapter = instances[n % 3]
        lock = await adapter.acquire_lock("fence", SHORT if n % 3 == 2 else 30)
        if lock is None:
            lock = await _take_after_expiry(adapter, "fence", SHORT, lock)  # type: ignore[arg-type]
        assert isinstance(lock.fencing_token, int), f"FENCING declared but fencing_token is {lock.fencing_token!r}"
        tokens.append(lock.fencing_token)
        if n % 3 != 2:
            assert await adapter.release_lock(lock) is True
    assert all(a < b for a, b in itertools.pairwise(tokens)), f"fencing tokens not strictly rising: {tokens}"


@pytest.mark.core
@pytest.mark.refuses(Capability.FENCING)
@pytest.mark.clause("cron.fencing")
@scenario
async def test_cron_no_fencing_token_when_not_declared(harness: Harness) -> None:
    cron = await harness.cron()
    lock = await cron.acquire_lock("fence", 30)
    assert lock is not None
    assert lock.fencing_token is None, "fencing_token is set but FENCING is not declared"
    assert all(info.fencing_token is None for info in await cron.active_locks())


@pytest.mark.core
@pytest.mark.clause("cron.active_locks")
@scenario
async def test_cron_active_locks_lists_unexpired_only(harness: Harness) -> None:
    cron = await harness.cron()
    other = await harness.cron()
    long = await cron.acquire_lock("long", 30)
    short = await other.acquire_lock("short", SHORT)
    assert long is not None
    assert short is not None
    listed = {info.job_name: info for info in await cron.active_locks()}
    assert set(listed) == {"long", "short"}, f"active_locks() = {sorted(listed)}"
    assert listed["long"].instance_id == cron.instance_id
    assert listed["short"].instance_id == other.instance_id
    drift = abs((listed["long"].expires_at - long.expires_at).total_seconds())
    assert drift <= LISTED_EXPIRY_TOLERANCE, (
        f"active_locks() lists expires_at {listed['long'].expires_at.isoformat()} for a lock that expires at "
        f"{long.expires_at.isoformat()} ({drift:.3f}s apart; the tolerance is {LISTED_EXPIRY_TOLERANCE:g}s)"
    )
    await asyncio.sleep(SHORT + 0.3)
    deadline = time.monotonic() + TOLERANCE
    while "short" in {i.job_name for i in await cron.active_locks()}:
        assert time.monotonic() < deadline, "an expired lock is still listed"
        await asyncio.sleep(0.05)
    assert [i.job_name for i in await cron.active_locks()] == ["long"]
    await cron.release_lock(long)
    assert await cron.active_locks() == [], "a released lock is still listed"


@pytest.mark.core
@pytest.mark.clause("cron.identifiers")
@scenario
async def test_cron_job_names_invalid_and_never_collide(harness: Harness) -> None:
    cron = await harness.cron()
    for bad in ("", "x" * 257):
        with pytest.raises(ValueError):
            await cron.acquire_lock(bad, 30)
    jobs = [*NASTY_IDENTIFIERS, LONGEST_IDENTIFIER]
    for job in jobs:
        lock = await cron.acquire_lock(job, 30)
        assert lock is not None, f"job {job!r} is held by another job's lock: names collided"
    assert sorted(i.job_name for i in await cron.active_locks()) == sorted(jobs)


@pytest.mark.core
@pytest.mark.clause("cron.identifiers")
@scenario
async def test_cron_equal_but_distinct_job_name_objects_name_one_job(harness: Harness) -> None:
    """Job names are compared by value: a job taken under one ``str`` object is held under equal copies."""
    cron = await harness.cron()
    for text in ("job:1", "🦄 x", LONGEST_IDENTIFIER):
        lock = await cron.acquire_lock(fresh_copy(text), 30)
        assert lock is not None
        assert await cron.acquire_lock(fresh_copy(text), 30) is None, (
            f"job {text[:12]!r} was granted twice under equal but distinct str objects"
        )
        copied = lock.model_copy(update={"job_name": fresh_copy(text)})
        assert await cron.renew_lock(copied, 30) is True, "renew_lock() with an equal copy of the job name failed"
        assert await cron.release_lock(copied) is True, "release_lock() with an equal copy of the job name failed"
        assert await cron.acquire_lock(fresh_copy(text), 30) is not None, "the job is not free after its release"


@pytest.mark.multi
@pytest.mark.clause("cron.namespaces")
@scenario
async def test_cron_namespaces_never_share_locks(harness: Harness) -> None:
    mine = await harness.cron()
    theirs = await harness.cron(new_namespace())
    assert await mine.acquire_lock("job", 30) is not None
    assert await theirs.acquire_lock("job", 30) is not None, "a lock in another namespace blocked this one"
    assert [i.job_name for i in await theirs.active_locks()] == ["job"]


@pytest.mark.core
@pytest.mark.clause("cron.lifecycle")
@scenario
async def test_cron_close_is_idempotent_and_final(harness: Harness) -> None:
    cron = await harness.cron()
    async with cron:
        assert await cron.is_healthy() is True
    await cron.close()
    with pytest.raises(AdapterClosedError):
        await cron.acquire_lock("job", 1)
    clone = type(cron).from_config(cron.config.model_dump())
    assert clone.config == cron.config, "an adapter rebuilt from its config dump has another config"
    await clone.close()
    assert await cron.is_healthy() is False, "a closed adapter reports healthy"
