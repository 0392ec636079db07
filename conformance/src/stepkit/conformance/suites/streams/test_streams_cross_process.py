"""``CROSS_PROCESS``: items and change events made in other OS processes."""

from __future__ import annotations

import asyncio
import os

import pytest

from stepkit.conformance.harness import Harness, eventually
from stepkit.conformance.suites.crossproc import run_in_processes, streams_worker
from stepkit.conformance.suites.streams.test_streams_events import Inbox
from stepkit.core import Capability

pytestmark = [pytest.mark.streams, pytest.mark.multi]

COUNT = 5


@pytest.mark.requires(Capability.CROSS_PROCESS)
@pytest.mark.clause("streams.cross_process")
def test_streams_shared_across_os_processes(harness: Harness) -> None:
    manager = harness.run(harness.streams())
    stream = manager.stream("procs")
    inbox = Inbox()
    harness.run(stream.subscribe({"group_id": "g"}, inbox))
    contexts = [harness.context() for _ in range(2)]
    pids = harness.run(
        asyncio.to_thread(
            run_in_processes, streams_worker, [(harness.target.reference, ctx, COUNT) for ctx in contexts]
        )
    )
    assert os.getpid() not in pids, "the workers did not run in other processes"
    expected = sorted(f"p{ctx.instance_index}-{n}" for ctx in contexts for n in range(COUNT))

    async def check() -> None:
        assert sorted(i["id"] for i in await stream.get_group("g")) == expected, "items from other processes"
        await eventually(lambda: len(inbox.events) >= len(expected), "change events from other processes")
        assert sorted(e.item_id or "" for e in inbox.events) == expected
        assert all(e.type == "create" for e in inbox.events), "items set once must emit create"

    harness.run(check())
