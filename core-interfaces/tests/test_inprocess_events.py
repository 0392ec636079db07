"""Every EventAdapter clause of the contract, against the in-process adapter."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from core_testing import eventually, wait_for

from stepkit.core.backoff import Backoff
from stepkit.core.capabilities import Capability
from stepkit.core.defaults.inprocess_events import InProcessEventAdapter
from stepkit.core.defaults.memory_backend import MemoryBackend
from stepkit.core.errors import AdapterClosedError, AdapterSerializationError, InvalidEventError
from stepkit.core.models.events import Event, QueueConfig

FAST = Backoff(initial_seconds=0.001, max_seconds=0.005, jitter=0)

Factory = Callable[..., InProcessEventAdapter]


@pytest.fixture
async def make(backend: MemoryBackend, namespace: str) -> AsyncIterator[Factory]:
    made: list[InProcessEventAdapter] = []

    def build(ns: str | None = None, **settings: Any) -> InProcessEventAdapter:
        adapter = InProcessEventAdapter({"namespace": ns or namespace, **settings}, backend=backend)
        made.append(adapter)
        return adapter

    yield build
    for adapter in made:
        await adapter.close()


def fast(**overrides: Any) -> QueueConfig:
    return QueueConfig(backoff=FAST, **overrides)


class Recorder:
    def __init__(self, fail_times: int = 0, fail_ids: frozenset[str] = frozenset()) -> None:
        self.events: list[Event] = []
        self.fail_times = fail_times
        self.fail_ids = fail_ids
        self.failures = 0

    async def __call__(self, event: Event) -> None:
        self.events.append(event)
        if event.data in self.fail_ids or self.failures < self.fail_times:
            self.failures += 1
            raise RuntimeError("handler failed")

    def data(self) -> list[Any]:
        return [e.data for e in self.events]


def test_capabilities() -> None:
    assert InProcessEventAdapter.capabilities == {Capability.FIFO, Capability.DLQ, Capability.DELAY, Capability.DURABLE}


async def test_fan_out_and_fidelity_from_an_instance_without_subscribers(make: Factory) -> None:
    emitter, consumer = make(), make()
    a, b = Recorder(), Recorder()
    await consumer.subscribe("orders", "step-a", a)
    await consumer.subscribe("orders", "step-b", b)
    sent = Event(
        topic="orders",
        data={"n": 1, "big": 10**30, "f": 1.0, "u": "\u0000🎉"},
        trace_id="t-1",
        traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        baggage="k=v",
    )
    await emitter.emit(sent)
    await emitter.emit(Event(topic="other", data=2))
    await wait_for(lambda: len(a.events) == 1 and len(b.events) == 1)
    for got in (a.events[0], b.events[0]):
        assert got.model_dump(exclude={"attempt"}) == sent.model_dump(exclude={"attempt"})
        assert type(got.data["f"]) is float
        assert got.attempt == 1


async def test_events_before_first_subscribe_are_not_delivered(make: Factory) -> None:
    adapter = make()
    await adapter.emit(Event(topic="t", data="early"))
    seen = Recorder()
    await adapter.subscribe("t", "s", seen)
    await adapter.emit(Event(topic="t", data="late"))
    await wait_for(lambda: seen.data() == ["late"])


async def test_competing_consumers_share_work_exactly_once(make: Factory) -> None:
    instances = [make() for _ in range(3)]
    handled: list[int] = []
    per_member: dict[int, int] = {}

    def member(index: int) -> Callable[[Event], Any]:
        async def handle(event: Event) -> None:
            await asyncio.sleep(0)
            handled.append(event.data)
            per_member[index] = per_member.get(index, 0) + 1

        return handle

    for index, adapter in enumerate(instances):
        await adapter.subscribe("jobs", "workers", member(index), fast(concurrency=2))
    for n in range(60):
        await instances[n % 3].emit(Event(topic="jobs", data=n))
    await wait_for(lambda: len(handled) >= 60)
    await asyncio.sleep(0.02)
    assert sorted(handled) == list(range(60))
    assert len(per_member) > 1


async def test_retries_with_attempt_numbers_then_success(make: Factory) -> None:
    adapter = make()
    seen = Recorder(fail_times=2)
    await adapter.subscribe("t", "s", seen, fast(max_retries=3))
    await adapter.emit(Event(topic="t", data="x"))
    await wait_for(lambda: len(seen.events) == 3)
    assert [e.attempt for e in seen.events] == [1, 2, 3]
    assert len({e.message_id for e in seen.events}) == 1
    assert await adapter.dlq_count("t", "s") == 0


async def test_poison_goes_to_dlq_without_blocking_and_redrives(make: Factory) -> None:
    adapter = make()
    seen = Recorder(fail_ids=frozenset({"poison"}))
    await adapter.subscribe("t", "s", seen, fast(max_retries=2, concurrency=1))
    await adapter.emit(Event(topic="t", data="poison"))
    for n in range(5):
        await adapter.emit(Event(topic="t", data=n))

    async def dead() -> bool:
        return await adapter.dlq_count("t", "s") == 1

    await eventually(dead, what="dead letter")
    await wait_for(lambda: set(range(5)) <= set(seen.data()))
    assert seen.data().count("poison") == 3
    assert await adapter.dlq_count("other", "s") == 0
    seen.fail_ids = frozenset()
    assert await adapter.redrive_dlq("t", "s") == 1
    await wait_for(lambda: seen.data().count("poison") == 4)
    assert seen.events[-1].attempt == 1
    assert await adapter.dlq_count("t", "s") == 0
    assert await adapter.redrive_dlq("never", "subscribed") == 0


async def test_max_retries_zero_dead_letters_at_once(make: Factory) -> None:
    adapter = make()
    seen = Recorder(fail_times=100)
    await adapter.subscribe("t", "s", seen, fast(max_retries=0))
    await adapter.emit(Event(topic="t", data=1))

    async def dead() -> bool:
        return await adapter.dlq_count("t", "s") == 1

    await eventually(dead)
    assert len(seen.events) == 1


async def test_fifo_order_across_retries_and_groups_in_parallel(make: Factory) -> None:
    adapter = make()
    order: list[tuple[str, int, int]] = []
    running: dict[str, int] = {}
    overlap: list[str] = []
    failed: set[tuple[str, int]] = set()
    both_groups_running = asyncio.Event()

    async def handle(event: Event) -> None:
        group, n = event.data
        running[group] = running.get(group, 0) + 1
        if running[group] > 1:
            overlap.append(group)
        if len([g for g, c in running.items() if c]) == 2:
            both_groups_running.set()
        order.append((group, n, event.attempt))
        try:
            await asyncio.sleep(0.001)
            if n % 3 == 1 and (group, n) not in failed:
                failed.add((group, n))
                raise RuntimeError("retry me")
        finally:
            running[group] -= 1

    await adapter.subscribe("t", "s", handle, fast(type="fifo", concurrency=5))
    for n in range(10):
        for group in ("g1", "g2"):
            await adapter.emit(Event(topic="t", data=[group, n], message_group_id=group), fifo=True)
    await wait_for(lambda: len([o for o in order if o[1] == 9]) == 2, what="both groups done")
    assert overlap == []
    for group in ("g1", "g2"):
        successes = [n for g, n, attempt in order if g == group and ((g, n) not in failed or attempt == 2)]
        assert successes == list(range(10))
        handled = [n for g, n, _ in order if g == group]
        assert handled == sorted(handled)
    assert both_groups_running.is_set()


async def test_fifo_emit_needs_group_id(make: Factory) -> None:
    adapter = make()
    with pytest.raises(InvalidEventError, match="message_group_id"):
        await adapter.emit(Event(topic="t"), fifo=True)


async def test_concurrency_limit_is_never_exceeded(make: Factory) -> None:
    adapter = make()
    in_flight = 0
    peak = 0
    done = 0

    async def handle(event: Event) -> None:
        nonlocal in_flight, peak, done
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.002)
        in_flight -= 1
        done += 1

    await adapter.subscribe("t", "s", handle, fast(concurrency=3))
    for n in range(30):
        await adapter.emit(Event(topic="t", data=n))
    await wait_for(lambda: done == 30)
    assert peak == 3


async def test_delay_defers_delivery(make: Factory) -> None:
    adapter = make()
    seen = Recorder()
    await adapter.subscribe("t", "s", seen, fast(delay_seconds=0.2))
    loop = asyncio.get_running_loop()
    emitted = loop.time()
    await adapter.emit(Event(topic="t", data=1))
    await wait_for(lambda: len(seen.events) == 1)
    assert loop.time() - emitted >= 0.19


async def test_durable_while_group_offline(make: Factory) -> None:
    first, second = make(), make()
    seen = Recorder()
    subscription = await first.subscribe("t", "s", seen)
    await first.unsubscribe(subscription)
    await first.unsubscribe(subscription)
    for n in range(3):
        await second.emit(Event(topic="t", data=n))
    await asyncio.sleep(0.01)
    assert seen.events == []
    again = Recorder()
    await second.subscribe("t", "s", again)
    await wait_for(lambda: sorted(again.data()) == [0, 1, 2])


async def test_unsubscribe_lets_in_flight_finish(make: Factory) -> None:
    adapter = make()
    started = asyncio.Event()
    release = asyncio.Event()
    finished: list[int] = []

    async def slow(event: Event) -> None:
        started.set()
        await release.wait()
        finished.append(event.data)

    subscription = await adapter.subscribe("t", "s", slow, fast(concurrency=1))
    await adapter.emit(Event(topic="t", data=1))
    await adapter.emit(Event(topic="t", data=2))
    await asyncio.wait_for(started.wait(), 5)
    stopping = asyncio.create_task(adapter.unsubscribe(subscription))
    await asyncio.sleep(0.01)
    assert not stopping.done()
    release.set()
    await asyncio.wait_for(stopping, 5)
    assert finished == [1]
    taker = Recorder()
    await adapter.subscribe("t", "s", taker)
    await wait_for(lambda: taker.data() == [2], what="the unclaimed event to stay queued")


async def test_close_drain_is_bounded_and_requeues(make: Factory) -> None:
    stuck = make(drain_timeout=0.05)
    started = asyncio.Event()

    async def hang(event: Event) -> None:
        started.set()
        await asyncio.Event().wait()

    await stuck.subscribe("t", "s", hang, fast())
    await stuck.emit(Event(topic="t", data="x"))
    await asyncio.wait_for(started.wait(), 5)
    await asyncio.wait_for(stuck.close(), 5)
    await stuck.close()
    with pytest.raises(AdapterClosedError):
        await stuck.emit(Event(topic="t"))
    rescuer = Recorder()
    await make().subscribe("t", "s", rescuer, fast())
    await wait_for(lambda: rescuer.data() == ["x"], what="the cut-off event to be redelivered")
    assert rescuer.events[0].attempt == 2


async def test_handler_can_unsubscribe_itself(make: Factory) -> None:
    adapter = make()
    holder: dict[str, Any] = {}
    done = asyncio.Event()

    async def once(event: Event) -> None:
        await adapter.unsubscribe(holder["subscription"])
        done.set()

    holder["subscription"] = await adapter.subscribe("t", "s", once)
    await adapter.emit(Event(topic="t", data=1))
    await asyncio.wait_for(done.wait(), 5)


async def test_slow_handler_is_not_redelivered_past_visibility(make: Factory) -> None:
    adapter = make()
    seen = Recorder()

    async def slow(event: Event) -> None:
        await asyncio.sleep(0.15)
        await seen(event)

    await adapter.subscribe("t", "s", slow, fast(visibility_timeout=0.01))
    await adapter.emit(Event(topic="t", data=1))
    await wait_for(lambda: len(seen.events) == 1)
    await asyncio.sleep(0.05)
    assert len(seen.events) == 1


async def test_bad_input(make: Factory) -> None:
    adapter = make()
    event = Event(topic="t")
    event.data = {1, 2}
    with pytest.raises(AdapterSerializationError):
        await adapter.emit(event)
    with pytest.raises(ValueError):
        Event(topic="t", data=float("nan"))
    with pytest.raises(ValueError, match="topic"):
        Event(topic="")
    with pytest.raises(ValueError, match="subscriber"):
        await adapter.subscribe("t", "x" * 257, Recorder())
    with pytest.raises(ValueError, match="topic"):
        await adapter.dlq_count("", "s")


async def test_emitted_data_is_copied(make: Factory) -> None:
    adapter = make()
    seen = Recorder()
    await adapter.subscribe("t", "s", seen)
    payload = {"list": [1]}
    await adapter.emit(Event(topic="t", data=payload))
    payload["list"].append(2)
    await wait_for(lambda: len(seen.events) == 1)
    assert seen.events[0].data == {"list": [1]}


async def test_namespaces_isolate(make: Factory) -> None:
    mine, other = make(), make("another-namespace")
    seen = Recorder()
    await other.subscribe("t", "s", seen)
    mine_seen = Recorder()
    await mine.subscribe("t", "s", mine_seen)
    await mine.emit(Event(topic="t", data=1))
    await wait_for(lambda: len(mine_seen.events) == 1)
    assert seen.events == []


async def test_odd_identifiers_do_not_collide(make: Factory) -> None:
    adapter = make()
    one, two = Recorder(), Recorder()
    await adapter.subscribe("a:b", "c", one)
    await adapter.subscribe("a", "b:c", two)
    await adapter.emit(Event(topic="a:b", data=1))
    await adapter.emit(Event(topic="a", data=2))
    await wait_for(lambda: len(one.events) == 1 and len(two.events) == 1)
    assert one.data() == [1]
    assert two.data() == [2]
