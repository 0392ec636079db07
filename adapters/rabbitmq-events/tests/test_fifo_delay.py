"""FIFO per message group across instances (including a retry), and delayed delivery."""

from __future__ import annotations

import time
from collections import defaultdict

from stepkit.core import Backoff, Event, QueueConfig

FAST = Backoff(initial_seconds=0.05, max_seconds=0.1, jitter=0.0)


async def test_fifo_order_per_group_across_two_instances_with_a_retry(make_adapter, eventually):
    first, second, emitter = make_adapter(), make_adapter(), make_adapter()
    handled: dict[str, list[int]] = defaultdict(list)
    running: dict[str, int] = defaultdict(int)
    overlaps: list[str] = []
    failed_once: set[int] = set()

    async def handle(event: Event) -> None:
        group = event.message_group_id or ""
        running[group] += 1
        if running[group] > 1:
            overlaps.append(group)
        try:
            seq = event.data["seq"]
            if seq in (4, 13) and seq not in failed_once:
                failed_once.add(seq)
                raise RuntimeError("transient")
            handled[group].append(seq)
        finally:
            running[group] -= 1

    config = QueueConfig(type="fifo", concurrency=4, max_retries=3, backoff=FAST)
    await first.subscribe("ledger", "poster", handle, config)
    await second.subscribe("ledger", "poster", handle, config)
    expected: dict[str, list[int]] = defaultdict(list)
    for seq in range(30):
        group = f"account-{seq % 3}"
        expected[group].append(seq)
        await emitter.emit(Event(topic="ledger", data={"seq": seq}, message_group_id=group), fifo=True)
    await eventually(lambda: sum(len(v) for v in handled.values()) == 30, what="all FIFO events handled")
    assert dict(handled) == dict(expected)
    assert overlaps == []
    assert failed_once == {4, 13}


async def test_delay_postpones_delivery(make_adapter, eventually):
    adapter = make_adapter()
    arrivals: list[float] = []

    async def handle(event: Event) -> None:
        arrivals.append(time.monotonic())

    await adapter.subscribe("reminders", "later", handle, QueueConfig(delay_seconds=1.0))
    sent_at = time.monotonic()
    await adapter.emit(Event(topic="reminders", data="ping"))
    await eventually(lambda: len(arrivals) == 1, what="delayed delivery")
    # A TTL queue cannot release a message early: this lower bound is deterministic.
    assert arrivals[0] - sent_at >= 0.95


async def test_fifo_with_delay_keeps_order(make_adapter, eventually):
    adapter = make_adapter()
    got: list[int] = []

    async def handle(event: Event) -> None:
        got.append(event.data)

    await adapter.subscribe("queued", "ordered", handle, QueueConfig(type="fifo", delay_seconds=0.2))
    for i in range(10):
        await adapter.emit(Event(topic="queued", data=i, message_group_id="one"), fifo=True)
    await eventually(lambda: len(got) == 10, what="delayed FIFO delivery")
    assert got == list(range(10))
