"""Bounded polling helpers for the stepkit-core tests (no fixed sleeps, no timing asserts)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


async def wait_for(condition: Callable[[], bool], timeout: float = 5.0, what: str = "condition") -> None:
    """Poll ``condition`` until true; fail the test after ``timeout`` seconds."""
    give_up = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > give_up:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.005)


async def eventually(condition: Callable[[], Awaitable[bool]], timeout: float = 5.0, what: str = "condition") -> None:
    """Poll the async ``condition`` until true; fail the test after ``timeout`` seconds."""
    give_up = time.monotonic() + timeout
    while not await condition():
        if time.monotonic() > give_up:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.005)
