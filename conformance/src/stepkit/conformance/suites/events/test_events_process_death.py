"""At-least-once, rule 3: a member whose OS process dies mid-handler; another member gets the event."""

from __future__ import annotations

import asyncio
import multiprocessing
import queue
import time
from typing import Any

import pytest

from stepkit.conformance.harness import Harness
from stepkit.conformance.suites.common import assert_json_equal
from stepkit.conformance.suites.crossproc import events_dying_member
from stepkit.conformance.suites.events.support import SETTLE, Recorder, config
from stepkit.core import Capability, Event

pytestmark = [pytest.mark.events, pytest.mark.multi]

TOPIC = "death"
GROUP = "g"
START_TIMEOUT = 60.0
"""Bound for the member process to start, import, connect and subscribe."""
DELIVERY_TIMEOUT = 20.0
"""Bound for the emitted event to reach the member process."""
VISIBILITY = 5.0
"""The explicit ``visibility_timeout`` of both members: a broker that redelivers only after the
visibility timeout (SQS-like) must do so within it, not after its default (30 s)."""
REDELIVERY_MARGIN = 25.0
"""Seconds beyond ``VISIBILITY`` for the redelivery or dead-lettering after the kill (the broker has
to notice the dead connection; documented tolerance, not a performance bound)."""


async def _report(reports: Any, child: Any, expected: str, timeout: float) -> str:
    """The payload of the next ``expected`` report of the member process (bounded)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            kind, payload = await asyncio.to_thread(reports.get, True, 0.2)
        except queue.Empty:
            if not child.is_alive():
                raise AssertionError(
                    f"the member process exited (code {child.exitcode}) before reporting {expected!r}"
                ) from None
            continue
        if kind == "error":
            raise AssertionError(f"the member process failed before reporting {expected!r}: {payload}")
        if kind == expected:
            return str(payload)
    raise AssertionError(f"the member process did not report {expected!r} within {timeout:g}s")


@pytest.mark.requires(Capability.CROSS_PROCESS)
@pytest.mark.clause("events.at_least_once.process_death")
@pytest.mark.parametrize("max_retries", [3, 0], ids=["retries-left", "last-attempt"])
def test_events_at_least_once_process_death_redelivers_elsewhere(harness: Harness, max_retries: int) -> None:
    """The member dies on an attempt with retries left (``max_retries=3``): the event must be redelivered
    to the surviving member. It dies on its last allowed attempt (``max_retries=0``): the event must
    still be redelivered, or be in the DLQ (``DLQ`` declared); silently dropping it fails."""
    queue_config = config(max_retries=max_retries, visibility_timeout=VISIBILITY)
    dlq = harness.target.declares(Capability.DLQ)
    context = multiprocessing.get_context("spawn")
    reports: Any = context.Queue()
    child = context.Process(
        target=events_dying_member,
        args=(harness.target.reference, harness.context(), TOPIC, GROUP, reports, queue_config),
        daemon=True,
    )
    child.start()

    async def check() -> None:
        await _report(reports, child, "subscribed", START_TIMEOUT)
        adapter = await harness.events()
        event = Event(topic=TOPIC, data={"dies": "mid-handler", "n": [1, 2.5, None]}, trace_id="death")
        await adapter.emit(event)
        handled = await _report(reports, child, "handling", DELIVERY_TIMEOUT)
        assert handled == event.message_id, f"the member process handled {handled}, not the emitted event"
        survivor = Recorder()
        await adapter.subscribe(TOPIC, GROUP, survivor, queue_config)
        child.kill()
        await asyncio.to_thread(child.join, 10)
        dead_lettered = [0]

        async def settled() -> bool:
            if event.message_id in survivor.success_ids():
                return True
            if dlq and max_retries == 0:
                dead_lettered[0] = await adapter.dlq_count(TOPIC, GROUP)
            return dead_lettered[0] > 0

        bound = VISIBILITY + REDELIVERY_MARGIN
        end = time.monotonic() + bound
        attempt = "its last allowed attempt" if max_retries == 0 else "attempt 1 of 4"
        elsewhere = " nor dead-lettered" if dlq and max_retries == 0 else ""
        lost = (
            f"the event whose handling process was killed on {attempt} (max_retries={max_retries}, "
            f"visibility_timeout={VISIBILITY:g}s) was neither redelivered to another member{elsewhere} "
            f"within {bound:g}s: it was lost"
        )
        while not await settled():
            if time.monotonic() > end:
                raise AssertionError(lost)
            await asyncio.sleep(0.1)
        await asyncio.sleep(SETTLE)
        if dead_lettered[0]:
            assert dead_lettered[0] == 1, f"dlq_count is {dead_lettered[0]} for one dead-lettered event"
            return
        assert survivor.success_ids() == [event.message_id], "the redelivered event was handled more than once"
        redelivered = survivor.successes[0]
        assert_json_equal(redelivered.data, event.data, "payload of the redelivered event")
        assert redelivered.trace_id == "death", "the redelivered event changed its trace_id"

    try:
        harness.run(check())
    finally:
        if child.is_alive():
            child.kill()
        child.join(10)
        reports.close()
        reports.join_thread()
