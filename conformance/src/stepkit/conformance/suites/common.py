"""Helpers shared by the suites: JSON comparison with readable failures, timing bounds."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import hypothesis
from hypothesis.stateful import RuleBasedStateMachine, run_state_machine_as_test

from stepkit.core import AdapterUnavailableError
from stepkit.core.json_codec import json_equal

T = TypeVar("T")

FAULT_MARGIN = 3.0
"""Seconds allowed beyond ``operation_timeout`` for a failing call to return (contract bound)."""


def run_machine(factory: Callable[[], RuleBasedStateMachine], settings: hypothesis.settings) -> None:
    """Run a Hypothesis state machine built by ``factory`` under ``settings``."""
    # Hypothesis accepts any zero-argument factory here; its annotation (which
    # differs between releases) says ``type[RuleBasedStateMachine]``.
    runner: Any = run_state_machine_as_test
    runner(factory, settings=settings)


def assert_json_equal(actual: Any, expected: Any, what: str) -> None:
    """Fail unless ``actual`` is JSON-equal to ``expected`` (types kept: 1 != 1.0 != True, -0.0 kept)."""
    assert json_equal(actual, expected), f"{what}: got {actual!r}, expected {expected!r}"


async def bounded_unavailable(call: Awaitable[Any], timeout: float, what: str) -> float:
    """Await ``call``; it must raise ``AdapterUnavailableError`` within ``timeout + FAULT_MARGIN``.

    Returns the elapsed seconds. A success while the backend is down fails (it
    would count an unknown outcome as success); a hang fails.
    """
    start = time.monotonic()
    try:
        await call
    except AdapterUnavailableError:
        elapsed = time.monotonic() - start
    except Exception as exc:
        raise AssertionError(f"{what} raised {exc!r} instead of AdapterUnavailableError") from exc
    else:
        raise AssertionError(f"{what} succeeded while the backend was down")
    assert elapsed <= timeout + FAULT_MARGIN, (
        f"{what} took {elapsed:.2f}s to fail; the bound is operation_timeout {timeout:g}s + {FAULT_MARGIN:g}s"
    )
    return elapsed


async def recovers(call: Callable[[], Awaitable[T]], what: str, within: float = 30.0) -> T:
    """Retry ``call()`` (a zero-argument coroutine function) until it succeeds; the adapter must
    reconnect by itself within ``within`` seconds."""
    end = time.monotonic() + within
    last: BaseException | None = None
    while time.monotonic() < end:
        try:
            return await call()
        except AdapterUnavailableError as exc:
            last = exc
            await asyncio.sleep(0.2)
    raise AssertionError(f"{what}: the adapter did not recover within {within:g}s (last error {last!r})")


__all__ = ["FAULT_MARGIN", "assert_json_equal", "bounded_unavailable", "recovers", "run_machine"]
