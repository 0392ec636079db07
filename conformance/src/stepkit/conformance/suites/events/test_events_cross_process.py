"""``CROSS_PROCESS``: events emitted from other OS processes reach the group exactly once."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from stepkit.conformance.harness import Harness, eventually
from stepkit.conformance.suites.crossproc import events_worker, run_in_processes
from stepkit.conformance.suites.events.support import SETTLE, Recorder, config
from stepkit.core import Capability

pytestmark = [pytest.mark.events, pytest.mark.multi]

COUNT = 5


@pytest.mark.requires(Capability.CROSS_PROCESS)
@pytest.mark.clause("events.cross_process")
def test_events_fanout_across_os_processes(harness: Harness) -> None:
    adapter = harness.run(harness.events())
    recorder = Recorder()
    harness.run(adapter.subscribe("procs", "g", recorder, config()))
    contexts = [harness.context() for _ in range(2)]
    emitted = harness.run(
        asyncio.to_thread(run_in_processes, events_worker, [(harness.target.reference, ctx, COUNT) for ctx in contexts])
    )
    expected = set(itertools.chain.from_iterable(emitted))

    async def check() -> None:
        await eventually(lambda: expected <= set(recorder.success_ids()), "events emitted by other processes")
        await asyncio.sleep(SETTLE)
        assert sorted(recorder.success_ids()) == sorted(expected), "events from other processes lost or repeated"

    harness.run(check())
