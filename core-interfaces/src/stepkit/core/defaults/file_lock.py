"""An async, cross-process exclusive lock on a lock file.

Within one event loop, waiters for the same path queue on an
:class:`asyncio.Lock` (fair, no polling); the one at the head then takes an
OS-level lock (``flock`` via :mod:`filelock`, a fresh descriptor per
acquisition, so it excludes other processes *and* other adapter instances of
this process), polling without blocking the event loop. Failing to get the
lock within ``timeout`` raises :class:`TimeoutError`.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from filelock import FileLock
from filelock import Timeout as FileLockTimeout

_POLL_MIN = 0.001
_POLL_MAX = 0.02

_local: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = weakref.WeakKeyDictionary()


def _local_lock(path: Path) -> asyncio.Lock:
    per_loop = _local.setdefault(asyncio.get_running_loop(), {})
    lock = per_loop.get(str(path))
    if lock is None:
        lock = per_loop[str(path)] = asyncio.Lock()
    return lock


@asynccontextmanager
async def exclusive(path: Path, timeout: float) -> AsyncIterator[None]:
    """Hold the exclusive lock on ``path`` for the block.

    Raises:
        TimeoutError: not acquired within ``timeout`` seconds.
    """
    give_up = time.monotonic() + timeout
    local = _local_lock(path)
    async with asyncio.timeout(timeout):
        await local.acquire()
    try:
        lock = FileLock(path, thread_local=False)
        pause = _POLL_MIN
        while True:
            try:
                lock.acquire(blocking=False)
                break
            except FileLockTimeout:
                if time.monotonic() >= give_up:
                    raise TimeoutError(f"lock file {path} is held by another process") from None
                await asyncio.sleep(pause)
                pause = min(pause * 2, _POLL_MAX)
        try:
            yield
        finally:
            lock.release()
    finally:
        local.release()


__all__ = ["exclusive"]
