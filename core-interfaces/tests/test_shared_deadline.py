"""The shared emit time bound (core ``SharedDeadline``): same outcomes as ``asyncio.timeout``."""

from __future__ import annotations

import asyncio

import pytest

from stepkit.core.deadline import SharedDeadline


async def test_a_call_that_finishes_in_time_returns_its_result() -> None:
    shared = SharedDeadline(5.0)
    async with shared.bound():
        await asyncio.sleep(0)
    assert not shared._running


async def test_a_hung_call_raises_timeout_error() -> None:
    shared = SharedDeadline(0.05)
    with pytest.raises(TimeoutError):
        async with shared.bound():
            await asyncio.Event().wait()
    task = asyncio.current_task()
    assert task is not None
    assert task.cancelling() == 0


async def test_only_the_overdue_calls_of_many_expire() -> None:
    shared = SharedDeadline(0.2)
    release = asyncio.Event()

    async def call(hang: bool) -> str:
        async with shared.bound():
            if hang:
                await asyncio.Event().wait()
            await release.wait()
        return "done"

    tasks = [asyncio.create_task(call(hang=i % 3 == 0)) for i in range(30)]
    await asyncio.sleep(0)
    release.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    for i, result in enumerate(results):
        if i % 3 == 0:
            assert isinstance(result, TimeoutError)
        else:
            assert result == "done"
    assert not shared._running


async def test_later_calls_are_bounded_after_earlier_ones_finished() -> None:
    shared = SharedDeadline(0.05)
    for _ in range(3):
        async with shared.bound():
            await asyncio.sleep(0)
    with pytest.raises(TimeoutError):
        async with shared.bound():
            await asyncio.Event().wait()


async def test_cancellation_from_outside_stays_a_cancellation() -> None:
    shared = SharedDeadline(5.0)
    entered = asyncio.Event()

    async def call() -> None:
        async with shared.bound():
            entered.set()
            await asyncio.Event().wait()

    task = asyncio.create_task(call())
    await entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not shared._running


def test_the_timeout_must_be_positive() -> None:
    with pytest.raises(ValueError, match="SharedDeadline timeout must be a positive"):
        SharedDeadline(0)


async def test_a_running_bound_cannot_be_entered_again() -> None:
    bound = SharedDeadline(5.0).bound()
    async with bound:
        with pytest.raises(RuntimeError, match="already entered"):
            await bound.__aenter__()
