"""``CROSS_PROCESS``: instances in separate OS processes share one store; update stays linearizable."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest

from stepkit.conformance.harness import Harness
from stepkit.conformance.suites.crossproc import run_in_processes, state_worker
from stepkit.core import Capability

pytestmark = [pytest.mark.state, pytest.mark.multi]

INCREMENTS = 15


@pytest.mark.requires(Capability.CROSS_PROCESS)
@pytest.mark.clause("state.cross_process")
def test_state_shared_across_os_processes(harness: Harness) -> None:
    state = harness.run(harness.state())
    atomic = harness.target.declares(Capability.ATOMIC_UPDATE)
    increments = INCREMENTS if atomic else 0
    contexts = [harness.context() for _ in range(2)]

    async def increment_here() -> None:
        for _ in range(increments):
            await state.update("procs", "counter", lambda v: (v or 0) + 1)
            await asyncio.sleep(0)

    async def concurrently() -> list[Any]:
        here = asyncio.create_task(increment_here())
        there = await asyncio.to_thread(
            run_in_processes, state_worker, [(harness.target.reference, ctx, increments) for ctx in contexts]
        )
        await here
        return there

    pids = harness.run(concurrently())
    assert os.getpid() not in pids, "the workers did not run in other processes"

    async def check() -> None:
        for ctx, pid in zip(contexts, pids, strict=True):
            got = await state.get("procs", f"from-{ctx.instance_index}")
            assert got == {"pid": pid}, f"a value written by process {pid} is not visible here: {got!r}"
        if atomic:
            final = await state.get("procs", "counter")
            assert final == 3 * increments, f"{3 * increments} updates across 3 processes gave {final}"

    harness.run(check())
