"""Child-process workers for the ``CROSS_PROCESS`` clauses, and the pool that runs them.

Workers are module-level functions (importable under ``spawn``); they rebuild
the adapter from its factory reference and a picklable context whose services
the parent already provisioned.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from stepkit.conformance.context import ConformanceContext
from stepkit.conformance.targets import build, load_reference
from stepkit.core import Adapter, Event, EventAdapter, QueueConfig, StateAdapter, StreamAdapterManager

T = TypeVar("T")
WORKERS = 2


def run_in_processes(fn: Callable[..., T], calls: list[tuple[Any, ...]], timeout: float = 120) -> list[T]:
    """Run ``fn(*args)`` for each ``args`` in ``calls`` in spawned OS processes; results in order."""
    with ProcessPoolExecutor(max_workers=WORKERS, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(fn, *args) for args in calls]
        return [future.result(timeout) for future in futures]


async def _built(reference: str, ctx: ConformanceContext) -> Adapter:
    return await build(load_reference(reference), ctx)


def state_worker(reference: str, ctx: ConformanceContext, increments: int) -> int:
    """Write ``("procs", "from-<index>")`` and run ``increments`` updates of ``("procs", "counter")``."""

    async def work() -> int:
        adapter = await _built(reference, ctx)
        assert isinstance(adapter, StateAdapter)
        try:
            await adapter.set("procs", f"from-{ctx.instance_index}", {"pid": os.getpid()})
            for _ in range(increments):
                await adapter.update("procs", "counter", lambda v: (v or 0) + 1)
            return os.getpid()
        finally:
            await adapter.close()

    return asyncio.run(work())


def streams_worker(reference: str, ctx: ConformanceContext, count: int) -> int:
    """Set items ``p<index>-<n>`` (``n`` in ``range(count)``) in stream ``procs``, group ``g``."""

    async def work() -> int:
        manager = await _built(reference, ctx)
        assert isinstance(manager, StreamAdapterManager)
        try:
            for n in range(count):
                await manager.stream("procs").set("g", f"p{ctx.instance_index}-{n}", {"n": n})
            return os.getpid()
        finally:
            await manager.close()

    return asyncio.run(work())


def events_dying_member(
    reference: str, ctx: ConformanceContext, topic: str, subscriber: str, reports: Any, queue_config: QueueConfig
) -> None:
    """Join group ``subscriber`` on ``topic`` with ``queue_config`` (concurrency 1); the handler reports
    and then blocks forever.

    Puts ``("subscribed", "")`` on the ``reports`` queue once subscribed and
    ``("handling", message_id)`` when a delivery starts; the parent kills the
    process while the handler blocks, so the delivery is never acknowledged.
    An error is reported as ``("error", repr)``.
    """

    async def work() -> None:
        adapter = await _built(reference, ctx)
        assert isinstance(adapter, EventAdapter), f"{type(adapter).__name__} is not an EventAdapter"

        async def handler(event: Event) -> None:
            reports.put(("handling", event.message_id))
            await asyncio.Event().wait()

        await adapter.subscribe(topic, subscriber, handler, queue_config.model_copy(update={"concurrency": 1}))
        reports.put(("subscribed", ""))
        await asyncio.Event().wait()

    try:
        asyncio.run(work())
    except BaseException as exc:
        reports.put(("error", repr(exc)))
        raise


def events_worker(reference: str, ctx: ConformanceContext, count: int) -> list[str]:
    """Emit ``count`` events on topic ``procs``; returns their message ids."""

    async def work() -> list[str]:
        adapter = await _built(reference, ctx)
        assert isinstance(adapter, EventAdapter)
        try:
            events = [Event(topic="procs", data={"pid": os.getpid(), "n": n}) for n in range(count)]
            for event in events:
                await adapter.emit(event)
            return [e.message_id for e in events]
        finally:
            await adapter.close()

    return asyncio.run(work())


__all__ = ["WORKERS", "events_dying_member", "events_worker", "run_in_processes", "state_worker", "streams_worker"]
