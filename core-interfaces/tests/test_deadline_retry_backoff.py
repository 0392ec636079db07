"""Bounded time, retries and backoff."""

from __future__ import annotations

import asyncio

import pytest

from stepkit.core.backoff import Backoff
from stepkit.core.deadline import deadline, with_deadline
from stepkit.core.errors import AdapterConflictError, AdapterError, AdapterUnavailableError
from stepkit.core.retry import retry


async def test_deadline_turns_hang_into_unavailable() -> None:
    with pytest.raises(AdapterUnavailableError, match="db: get did not complete") as info:
        async with deadline(0.01, backend="db", operation="get"):
            await asyncio.Event().wait()
    assert isinstance(info.value.__cause__, TimeoutError)


async def test_deadline_maps_connection_and_driver_errors() -> None:
    class DriverDown(Exception):
        pass

    with pytest.raises(AdapterUnavailableError) as info:
        async with deadline(1, backend="db", operation="get"):
            raise ConnectionRefusedError("nope")
    assert isinstance(info.value.__cause__, ConnectionRefusedError)
    with pytest.raises(AdapterUnavailableError):
        async with deadline(1, backend="db", operation="get", unavailable=(DriverDown,)):
            raise DriverDown
    with pytest.raises(AdapterConflictError):
        async with deadline(1, backend="db", operation="get"):
            raise AdapterConflictError("kept")
    with pytest.raises(AdapterError) as other:
        async with deadline(1, backend="db", operation="get"):
            raise KeyError("x")
    assert type(other.value) is AdapterError
    assert isinstance(other.value.__cause__, KeyError)


async def test_with_deadline_returns_value() -> None:
    async def answer() -> int:
        return 42

    assert await with_deadline(answer(), 1, backend="db", operation="x") == 42


async def test_retry_retries_then_succeeds_or_reraises() -> None:
    calls = 0

    async def flaky() -> str:
        nonlocal calls
        calls += 1
        if calls < 3:
            raise AdapterUnavailableError("down")
        return "ok"

    fast = Backoff(initial_seconds=0.001, max_seconds=0.001)
    assert await retry(flaky, attempts=3, backoff=fast) == "ok"
    calls = -10
    with pytest.raises(AdapterUnavailableError):
        await retry(flaky, attempts=2, backoff=fast)


async def test_retry_does_not_retry_other_errors() -> None:
    calls = 0

    async def broken() -> None:
        nonlocal calls
        calls += 1
        raise KeyError("x")

    with pytest.raises(KeyError):
        await retry(broken, attempts=5)
    assert calls == 1
    with pytest.raises(ValueError):
        await retry(broken, attempts=0)


def test_backoff_grows_and_caps() -> None:
    policy = Backoff(initial_seconds=1, multiplier=2, max_seconds=5, jitter=0)
    assert [policy.delay(n) for n in (1, 2, 3, 4, 100)] == [1, 2, 4, 5, 5]
    jittery = Backoff(initial_seconds=1, max_seconds=10, jitter=0.5)
    assert all(0.5 <= jittery.delay(1) <= 1.5 for _ in range(100))
    with pytest.raises(ValueError):
        policy.delay(0)
    with pytest.raises(ValueError):
        Backoff(initial_seconds=5, max_seconds=1)


async def test_deadline_translate_maps_driver_errors_but_not_timeouts() -> None:
    class DriverThrottled(Exception):
        pass

    seen: list[Exception] = []

    def by_driver_rules(exc: Exception) -> AdapterError:
        seen.append(exc)
        return AdapterUnavailableError(f"throttled: {exc}") if isinstance(exc, DriverThrottled) else AdapterError("x")

    with pytest.raises(AdapterUnavailableError, match="throttled") as info:
        async with deadline(1, backend="db", operation="get", translate=by_driver_rules):
            raise DriverThrottled("slow down")
    assert isinstance(info.value.__cause__, DriverThrottled)
    with pytest.raises(AdapterConflictError):
        async with deadline(1, backend="db", operation="get", translate=by_driver_rules):
            raise AdapterConflictError("kept")
    with pytest.raises(AdapterUnavailableError, match="db: get did not complete within"):
        async with deadline(0.01, backend="db", operation="get", translate=by_driver_rules):
            await asyncio.Event().wait()
    assert [type(e) for e in seen] == [DriverThrottled]


async def test_with_deadline_passes_translate() -> None:
    async def fails() -> int:
        raise KeyError("x")

    def conflict(exc: Exception) -> AdapterError:
        return AdapterConflictError(f"mapped {exc!r}")

    with pytest.raises(AdapterConflictError, match="mapped KeyError"):
        await with_deadline(fails(), 1, backend="db", operation="x", translate=conflict)
