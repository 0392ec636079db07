"""Fault injection on the fault test's dedicated server (never a shared one).

The handle's blocking calls run in a worker thread so the adapter's own
background tasks keep running on the loop while the server is paused or
restarted.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from stepkit.conformance.harness import Harness
from stepkit.conformance.services import ServiceHandle


def _handle(harness: Harness) -> ServiceHandle:
    handle = harness.fault_handle
    assert handle is not None, "fault tests run only with a dedicated service (the plugin provides it)"
    return handle


def restart_loses_data(handle: ServiceHandle) -> str | None:
    """The ``n/a`` reason when ``handle``'s server, as provisioned, keeps no data across a restart
    (e.g. an in-memory broker), else None: a "survives a restart" check cannot apply there."""
    if handle.keeps_data_on_restart:
        return None
    return (
        f"n/a: the {handle.endpoint.name} server as provisioned ({handle.endpoint.provider}) does not keep "
        "its data across a restart, so surviving a restart cannot be checked"
    )


def require_data_kept_on_restart(harness: Harness) -> None:
    """Skip (``n/a`` with the reason) unless the fault test's server keeps its data across a restart."""
    reason = restart_loses_data(_handle(harness))
    if reason is not None:
        pytest.skip(reason)


@asynccontextmanager
async def paused(harness: Harness) -> AsyncIterator[None]:
    """The server is frozen (calls time out) inside the block, running again after it."""
    handle = _handle(harness)
    await asyncio.to_thread(handle.pause)
    try:
        yield
    finally:
        await asyncio.to_thread(handle.unpause)


@asynccontextmanager
async def stopped(harness: Harness) -> AsyncIterator[None]:
    """The server is stopped (connections refused) inside the block, restarted on the same port after it."""
    handle = _handle(harness)
    await asyncio.to_thread(handle.stop)
    try:
        yield
    finally:
        await asyncio.to_thread(handle.start)


__all__ = ["paused", "require_data_kept_on_restart", "restart_loses_data", "stopped"]
