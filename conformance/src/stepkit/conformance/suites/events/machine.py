"""A Hypothesis state machine: random emits, subscribes and unsubscribes on several instances.

Reference model: a group ``(topic, subscriber)`` must receive, exactly once,
every event emitted on its topic while it had a member (or, with ``DURABLE``,
at any time after it first subscribed), whichever instance emitted it. Events
emitted while a non-durable group had no member may or may not arrive, but
never twice. Handlers always succeed, so "exactly once" is strict.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter

from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule

from stepkit.conformance.harness import Harness
from stepkit.conformance.suites.events.support import Recorder, config
from stepkit.conformance.suites.machine_base import AdapterMachine, instance_indexes
from stepkit.core import Capability, Event, EventAdapter, Subscription

TOPICS = ("t", "t:1", "t*")
SUBSCRIBERS = ("g", "g:1")


class EventsMachine(AdapterMachine[EventAdapter]):
    """Random operations on ``instances`` event adapters sharing a fresh namespace."""

    slack = 30.0

    def __init__(self, harness: Harness, instances: int) -> None:
        super().__init__(harness, instances, harness.events)
        self.durable = harness.target.declares(Capability.DURABLE)
        self.recorders: dict[tuple[str, str], Recorder] = {}
        self.members: dict[tuple[str, str], dict[int, Subscription]] = {}
        self.certain: dict[tuple[str, str], set[str]] = {}
        self.maybe: dict[tuple[str, str], set[str]] = {}

    @rule(i=instance_indexes(), topic=st.sampled_from(TOPICS), subscriber=st.sampled_from(SUBSCRIBERS))
    def subscribe(self, i: int, topic: str, subscriber: str) -> None:
        index = i % len(self.adapters)
        group = (topic, subscriber)
        if index in self.members.get(group, {}):
            return
        recorder = self.recorders.setdefault(group, Recorder())
        subscription = self._do(self.adapters[index].subscribe(topic, subscriber, recorder, config()))
        self.members.setdefault(group, {})[index] = subscription
        self.certain.setdefault(group, set())
        self.maybe.setdefault(group, set())

    @rule(i=instance_indexes(), topic=st.sampled_from(TOPICS), subscriber=st.sampled_from(SUBSCRIBERS))
    def unsubscribe(self, i: int, topic: str, subscriber: str) -> None:
        index = i % len(self.adapters)
        subscription = self.members.get((topic, subscriber), {}).pop(index, None)
        if subscription is not None:
            self._do(self.adapters[index].unsubscribe(subscription))

    @rule(i=instance_indexes(), topic=st.sampled_from(TOPICS), n=st.integers(1, 3))
    def emit(self, i: int, topic: str, n: int) -> None:
        events = [Event(topic=topic, data={"n": k}) for k in range(n)]
        for event in events:
            self._do(self.adapters[i % len(self.adapters)].emit(event))
        for group in self.certain:
            if group[0] != topic:
                continue
            ids = {e.message_id for e in events}
            if self.members.get(group) or self.durable:
                self.certain[group] |= ids
            else:
                self.maybe[group] |= ids

    @rule()
    def check(self) -> None:
        self._do(self._check(), "check(): every expected event arrived")

    @invariant()
    def never_twice_never_strangers(self) -> None:
        """After every step: no event handled twice by a group, none it could not have received."""
        for group, recorder in self.recorders.items():
            counts = Counter(recorder.success_ids())
            twice = {m: c for m, c in counts.items() if c > 1}
            assert not twice, f"group {group}: events handled successfully more than once: {twice}"
            unknown = set(counts) - self.certain[group] - self.maybe[group]
            assert not unknown, f"group {group}: {len(unknown)} events of other topics or from before it subscribed"

    async def _check(self) -> None:
        deadline = time.monotonic() + 15
        for group, expected in self.certain.items():
            recorder = self.recorders[group]
            if not self.members.get(group):
                continue
            while not expected <= set(recorder.success_ids()):
                missing = len(expected - set(recorder.success_ids()))
                assert time.monotonic() < deadline, f"group {group}: {missing} expected events never arrived"
                await asyncio.sleep(0.02)
        await asyncio.sleep(0.1)
        for group, recorder in self.recorders.items():
            counts = Counter(recorder.success_ids())
            twice = {m: c for m, c in counts.items() if c > 1}
            assert not twice, f"group {group}: events handled successfully more than once: {twice}"
            unknown = set(counts) - self.certain[group] - self.maybe[group]
            assert not unknown, f"group {group}: {len(unknown)} events of other topics or from before it subscribed"


__all__ = ["EventsMachine"]
