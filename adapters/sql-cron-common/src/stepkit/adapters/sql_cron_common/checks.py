"""Backend-agnostic tests of a SQL cron adapter against a real server, written once.

An adapter package's test module imports these ``test_*`` functions (pytest
collects them there); the fixtures they take come from :mod:`.testing`:

* ``make_cron(**settings)``: builds adapters on the real database, sharing one
  fresh namespace, closed after the test;
* ``fresh_prefix``: a table prefix no other test uses;
* ``database_now()``: the server's clock as an aware UTC datetime;
* ``dead_url``: a URL of the same kind where nothing listens;
* ``kill_sessions(adapter)``: the server kills the adapter's pooled sessions;
* ``count_rows(adapter)``: lock rows of the adapter's namespace.
"""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from stepkit.adapters.sql_cron_common.adapter import SqlCronAdapter
from stepkit.core.errors import AdapterConfigurationError, AdapterUnavailableError
from stepkit.core.models.cron import CronLock

Make = Callable[..., SqlCronAdapter]
"""Builds an adapter on the test's namespace; keyword arguments override config fields."""

DISTINCT_NAMES = (
    "a",
    "A",
    "a ",
    " a",
    "a\u0000",
    "\u0000",
    "ß",
    "ss",
    "SS",
    "\u00e9",
    "e\u0301",
    "🦄",
    "🦄 ",
    "%",
    "_",
    "a%",
    "a_",
    "job:1",
    "job*",
    "x" * 256,
    "🦄" * 256,
)
"""Names a case-insensitive, accent-insensitive or PAD SPACE collation would merge."""


async def eventually(probe: Callable[[], Awaitable[Any]], within: float = 10.0) -> Any:
    """Poll ``probe`` until it returns something other than None (bounded)."""
    end = time.monotonic() + within
    while time.monotonic() < end:
        result = await probe()
        if result is not None:
            return result
        await asyncio.sleep(0.02)
    raise AssertionError(f"condition not reached within {within:g}s")


async def test_race_has_one_winner(make_cron: Make) -> None:
    """Eight instances race five times for a job: exactly one wins each round."""
    racers = [make_cron() for _ in range(8)]
    for round_number in range(5):
        locks = await asyncio.gather(*(r.acquire_lock(f"race-{round_number}", 30) for r in racers))
        winners = [lock for lock in locks if lock is not None]
        assert len(winners) == 1, f"round {round_number}: {len(winners)} winners"
        assert await racers[0].release_lock(winners[0]) is True


async def test_stale_holder_is_powerless(make_cron: Make) -> None:
    """An expired holder cannot release or renew the new holder's lock; release is idempotent."""
    first, second = make_cron(), make_cron()
    stale = await first.acquire_lock("job", 0.05)
    assert stale is not None
    fresh = await eventually(lambda: second.acquire_lock("job", 30))
    assert fresh.fencing_token > stale.fencing_token
    assert await first.release_lock(stale) is False
    assert await first.renew_lock(stale, 30) is False
    assert await first.acquire_lock("job", 30) is None
    assert await second.renew_lock(fresh, 30) is True
    assert await second.release_lock(fresh) is True
    assert await second.release_lock(fresh) is False


async def test_times_come_from_the_database(make_cron: Make, database_now: Callable[[], Awaitable[Any]]) -> None:
    """``acquired_at`` is the server's clock and ``expires_at - acquired_at`` is the ttl to the microsecond."""
    cron = make_cron()
    before = await database_now()
    lock = await cron.acquire_lock("clock", 1.25)
    after = await database_now()
    assert lock is not None
    assert before <= lock.acquired_at <= after, (before, lock.acquired_at, after)
    assert (lock.expires_at - lock.acquired_at).total_seconds() == 1.25
    assert await cron.renew_lock(lock, 2.5) is True
    listed = {info.job_name: info for info in await cron.active_locks()}
    assert listed["clock"].expires_at > lock.expires_at


async def test_fencing_survives_release_expiry_and_cleanup(make_cron: Make) -> None:
    """Tokens of a job rise strictly across release, expiry and the sweep that deletes its row."""
    cron = make_cron()
    tokens: list[int] = []
    for step in range(6):
        ttl = 0.05 if step % 2 else 30.0

        async def take(ttl: float = ttl) -> CronLock | None:
            return await cron.acquire_lock("fenced", ttl)

        lock = await eventually(take)
        tokens.append(lock.fencing_token)
        if step % 2 == 0:
            assert await cron.release_lock(lock) is True
        if step % 3 == 2:
            await asyncio.sleep(0.1)
            assert await cron.cleanup() >= 1, "the sweep deleted no expired row"
            assert await cron.active_locks() == []
    assert all(a < b for a, b in itertools.pairwise(tokens)), tokens


async def test_fencing_holds_under_concurrent_cleanup(make_cron: Make) -> None:
    """Acquires of short locks race sweeps for a while: every job's tokens still rise strictly.

    Checked in real time, whatever the clocks: a grant whose call started after
    another grant's call returned must carry a larger token.
    """
    instances = [make_cron() for _ in range(3)]
    seen: dict[str, list[tuple[float, float, int]]] = {}
    stop = time.monotonic() + 3.0

    async def take(adapter: SqlCronAdapter, jobs: list[str]) -> None:
        while time.monotonic() < stop:
            for job in jobs:
                started = time.monotonic()
                lock = await adapter.acquire_lock(job, 0.01)
                if lock is not None and lock.fencing_token is not None:
                    seen.setdefault(job, []).append((started, time.monotonic(), lock.fencing_token))
            await asyncio.sleep(0)

    async def sweep(adapter: SqlCronAdapter) -> None:
        while time.monotonic() < stop:
            await adapter.cleanup()
            await asyncio.sleep(0.005)

    jobs = [f"j{i}" for i in range(4)]
    await asyncio.gather(*(take(a, jobs) for a in instances), sweep(instances[0]), sweep(instances[1]))
    assert seen, "no lock was ever granted"
    for job, grants in seen.items():
        tokens = [token for _, _, token in grants]
        assert len(set(tokens)) == len(tokens), f"{job}: a token was granted twice"
        for _, first_end, first_token in grants:
            for later_start, _, later_token in grants:
                if later_start > first_end:
                    assert later_token > first_token, (
                        f"{job}: token {later_token} granted after token {first_token} had been returned"
                    )


async def test_names_never_collide(make_cron: Make) -> None:
    """Names that differ only by case, trailing spaces, NUL, normalization or LIKE wildcards are distinct jobs."""
    cron, other = make_cron(), make_cron()
    for job in DISTINCT_NAMES:
        assert await cron.acquire_lock(job, 30) is not None, f"{job!r} collided with another name"
    for job in DISTINCT_NAMES:
        assert await other.acquire_lock(job, 30) is None, f"{job!r} was granted twice"
    listed = sorted(info.job_name for info in await other.active_locks())
    assert listed == sorted(DISTINCT_NAMES)


async def test_namespaces_isolate(make_cron: Make) -> None:
    """Namespaces that differ only by case or a trailing space never share locks or listings."""
    for a, b in (("ns", "NS"), ("ns", "ns "), ("ns", "ns\u0000")):
        suffix = uuid.uuid4().hex
        left, right = make_cron(namespace=a + suffix), make_cron(namespace=b + suffix)
        assert await left.acquire_lock("job", 30) is not None
        assert await right.acquire_lock("job", 30) is not None, f"namespace {a!r} blocked {b!r}"
        assert [i.job_name for i in await right.active_locks()] == ["job"]


async def test_concurrent_first_use_creates_schema_once(make_cron: Make, fresh_prefix: str) -> None:
    """Six instances use a brand-new table prefix at once: no error, one winner, one shared store."""
    racers = [make_cron(table_prefix=fresh_prefix) for _ in range(6)]
    locks = await asyncio.gather(*(r.acquire_lock("first", 30) for r in racers))
    assert sum(lock is not None for lock in locks) == 1
    other = make_cron(table_prefix=fresh_prefix + "x")
    assert await other.acquire_lock("first", 30) is not None, "another table prefix shared the lock"


def test_bad_table_prefixes_are_refused(make_cron: Make) -> None:
    """A table prefix that is not ``[a-z_][a-z0-9_]{0,39}`` is refused naming the field."""
    for bad in ("", "1abc", "Locks_", "a-b", "a;drop table x", "a" * 41, "é"):
        try:
            make_cron(table_prefix=bad)
        except AdapterConfigurationError as exc:
            if "table_prefix" not in str(exc):
                raise AssertionError(f"the error does not name table_prefix: {exc}") from exc
        else:
            raise AssertionError(f"table_prefix {bad!r} was accepted")


async def test_unreachable_database_grants_nothing(make_cron: Make, dead_url: str) -> None:
    """Against a port nobody listens on: nothing granted, bounded time, unhealthy."""
    cron = make_cron(url=dead_url, operation_timeout=1.0)
    start = time.monotonic()
    try:
        lock = await cron.acquire_lock("job", 30)
    except AdapterUnavailableError:
        lock = None
    assert lock is None
    assert await cron.is_healthy() is False
    assert time.monotonic() - start < 1.0 * 2 + 3.0


async def test_dead_pooled_connection_does_not_wedge(
    make_cron: Make, kill_sessions: Callable[[SqlCronAdapter], Awaitable[int]]
) -> None:
    """After the server kills the adapter's pooled connections, at most one call fails, then it works."""
    cron = make_cron()
    lock = await cron.acquire_lock("job", 30)
    assert lock is not None
    assert await kill_sessions(cron) >= 1
    failures = 0
    for _ in range(2):
        try:
            assert await cron.renew_lock(lock, 30) is True
            break
        except AdapterUnavailableError:
            failures += 1
    assert failures <= 1, "the adapter kept failing after its pooled connection died"
    assert await cron.is_healthy() is True
    assert await cron.release_lock(lock) is True


async def test_sweeps_run_by_themselves(
    make_cron: Make, count_rows: Callable[[SqlCronAdapter], Awaitable[int]]
) -> None:
    """With a short ``cleanup_interval`` expired rows disappear without anyone calling ``cleanup``."""
    cron = make_cron(cleanup_interval=0.05)
    for n in range(20):
        lock = await cron.acquire_lock(f"tick@{n}", 0.01)
        assert isinstance(lock, CronLock)
    await asyncio.sleep(0.1)

    async def drained() -> bool | None:
        await cron.acquire_lock("trigger", 0.01)
        return True if await count_rows(cron) <= 2 else None

    await eventually(drained)
    await cron.close()


__all__ = [
    "DISTINCT_NAMES",
    "Make",
    "eventually",
    "test_bad_table_prefixes_are_refused",
    "test_concurrent_first_use_creates_schema_once",
    "test_dead_pooled_connection_does_not_wedge",
    "test_fencing_holds_under_concurrent_cleanup",
    "test_fencing_survives_release_expiry_and_cleanup",
    "test_names_never_collide",
    "test_namespaces_isolate",
    "test_race_has_one_winner",
    "test_stale_holder_is_powerless",
    "test_sweeps_run_by_themselves",
    "test_times_come_from_the_database",
    "test_unreachable_database_grants_nothing",
]
