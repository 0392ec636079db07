"""Construction: rebuilt from its config dump or the environment, an events adapter is on the same bus."""

from __future__ import annotations

import asyncio

import pytest

from stepkit.conformance.harness import Harness, eventually
from stepkit.conformance.suites.construction import rebuild
from stepkit.conformance.suites.events.support import SETTLE, Recorder, assert_exactly_once, config
from stepkit.core import Event

pytestmark = [pytest.mark.events, pytest.mark.core]


@pytest.mark.clause("events.construction")
def test_events_construction_from_config_and_env(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    async def check() -> None:
        adapter = await harness.events()
        recorder = Recorder()
        await adapter.subscribe("construct", "g", recorder, config())
        events: list[Event] = []
        for n, clone in enumerate(await rebuild(harness, adapter, monkeypatch)):
            event = Event(topic="construct", data={"built": ("from_config", "from_env")[n]})
            events.append(event)
            await clone.emit(event)
        await eventually(lambda: len(recorder.successes) >= 2, "events emitted by rebuilt instances")
        await asyncio.sleep(SETTLE)
        assert_exactly_once(recorder, events, "events emitted by instances rebuilt from config and env")

    harness.run(check())
