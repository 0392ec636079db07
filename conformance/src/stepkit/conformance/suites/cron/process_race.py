"""Child-process side of the cross-process lock race (importable by reference under spawn)."""

from __future__ import annotations

import asyncio
import time

from stepkit.conformance.context import ConformanceContext
from stepkit.conformance.targets import build, load_reference
from stepkit.core import CronAdapter


def warm_up() -> bool:
    """A no-op job so the pool's processes are started before a race."""
    return True


def race(reference: str, contexts: list[ConformanceContext], job: str, ttl: float, start_at: float) -> list[str | None]:
    """Build one instance per context, wait until wall-clock ``start_at``, race for ``job``.

    Returns the lock_id won by each instance (``None`` where it lost).
    """
    return asyncio.run(_race(reference, contexts, job, ttl, start_at))


async def _race(
    reference: str, contexts: list[ConformanceContext], job: str, ttl: float, start_at: float
) -> list[str | None]:
    factory = load_reference(reference)
    adapters = [await build(factory, ctx) for ctx in contexts]
    try:
        for adapter in adapters:
            assert isinstance(adapter, CronAdapter)
            await adapter.open()
        await asyncio.sleep(max(0.0, start_at - time.time()))
        locks = await asyncio.gather(*(a.acquire_lock(job, ttl) for a in adapters if isinstance(a, CronAdapter)))
        return [lock.lock_id if lock is not None else None for lock in locks]
    finally:
        for adapter in adapters:
            await adapter.close()


__all__ = ["race", "warm_up"]
