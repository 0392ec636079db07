"""Size limit: an event over the configured ``max_*_bytes`` is refused up front, with its numbers."""

from __future__ import annotations

import asyncio

import pytest

from stepkit.conformance.harness import Harness, eventually, scenario
from stepkit.conformance.suites.common import assert_json_equal
from stepkit.conformance.suites.events.support import SETTLE, Recorder, config
from stepkit.conformance.suites.limits import check_message, over, require_size_limit, under, with_test_limit
from stepkit.core import AdapterSerializationError, Event, EventAdapter, ValueTooLargeError

pytestmark = [pytest.mark.events, pytest.mark.core]


@pytest.mark.clause("events.size_limit")
@scenario
async def test_events_size_limit_checked_before_sending(harness: Harness) -> None:
    field = require_size_limit(harness)
    built, limit = with_test_limit(harness, await harness.events(), field)
    assert isinstance(built, EventAdapter)
    adapter = built
    recorder = Recorder()
    await adapter.subscribe("size", "g", recorder, config())
    too_big = Event(topic="size", data={"blob": over(limit)})
    with pytest.raises(ValueTooLargeError) as refused:
        await adapter.emit(too_big)
    assert isinstance(refused.value, AdapterSerializationError)
    check_message(refused.value, limit, f"emit with {field}={limit}")
    fits = Event(topic="size", data=under(limit))
    await adapter.emit(fits)
    await eventually(lambda: len(recorder.successes) >= 1, f"an event under {field}={limit}")
    await asyncio.sleep(SETTLE)
    assert too_big.message_id not in {e.message_id for _, e in recorder.deliveries}, (
        "an event over the size limit was delivered although emit raised"
    )
    assert recorder.success_ids() == [fits.message_id]
    assert_json_equal(recorder.successes[0].data, fits.data, "an event under the size limit")
