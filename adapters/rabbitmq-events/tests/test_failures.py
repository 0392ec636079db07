"""At-least-once: retries with backoff, dead-lettering, redrive, poisoned events."""

from __future__ import annotations

import asyncio
import time

from stepkit.core import Backoff, Event, QueueConfig

FAST = Backoff(initial_seconds=0.05, multiplier=2.0, max_seconds=0.2, jitter=0.0)


async def test_failing_handler_is_retried_with_backoff_then_dead_lettered_and_redriven(make_adapter, eventually):
    adapter = make_adapter()
    attempts: list[tuple[int, float]] = []
    healed = False

    async def handle(event: Event) -> None:
        attempts.append((event.attempt, time.monotonic()))
        if not healed:
            raise RuntimeError("handler broken")

    await adapter.subscribe("payments", "charger", handle, QueueConfig(max_retries=2, backoff=FAST))
    await adapter.emit(Event(topic="payments", data={"amount": 5}))
    await eventually(lambda: len(attempts) == 3, what="three attempts")
    assert [a for a, _ in attempts] == [1, 2, 3]
    # Backoff: each retry waited at least the policy's delay (buckets round up).
    assert attempts[1][1] - attempts[0][1] >= FAST.delay(1) * 0.9
    assert attempts[2][1] - attempts[1][1] >= FAST.delay(2) * 0.9

    async def dead_lettered() -> int:
        return await adapter.dlq_count("payments", "charger")

    deadline = time.monotonic() + 20
    while await dead_lettered() != 1:
        assert time.monotonic() < deadline, "event never reached the DLQ"
        await asyncio.sleep(0.05)
    assert len(attempts) == 3  # not handled again once dead-lettered

    healed = True
    assert await adapter.redrive_dlq("payments", "charger") == 1
    await eventually(lambda: len(attempts) == 4, what="redriven delivery")
    assert attempts[3][0] == 1  # attempt count reset by redrive
    assert await adapter.dlq_count("payments", "charger") == 0


async def test_poisoned_event_does_not_block_the_rest(make_adapter, eventually):
    adapter = make_adapter()
    good: list[int] = []
    poison_attempts = 0

    async def handle(event: Event) -> None:
        nonlocal poison_attempts
        if event.data == "poison":
            poison_attempts += 1
            raise ValueError("cannot handle this")
        good.append(event.data)

    slow_backoff = Backoff(initial_seconds=2.0, max_seconds=2.0, jitter=0.0)
    await adapter.subscribe("mixed", "strict", handle, QueueConfig(concurrency=1, max_retries=1, backoff=slow_backoff))
    await adapter.emit(Event(topic="mixed", data="poison"))
    for i in range(10):
        await adapter.emit(Event(topic="mixed", data=i))
    await eventually(lambda: len(good) == 10, what="good events handled")
    # While the poisoned event waits out its backoff, every good one got through.
    assert poison_attempts == 1
    await eventually(lambda: poison_attempts == 2, what="poison retried")
    deadline = time.monotonic() + 20
    while await adapter.dlq_count("mixed", "strict") != 1:
        assert time.monotonic() < deadline, "poison never reached the DLQ"
        await asyncio.sleep(0.05)
    assert sorted(good) == list(range(10))


async def test_redrive_counts_every_dead_letter(make_adapter, eventually):
    adapter = make_adapter()
    calls = 0

    async def handle(event: Event) -> None:
        nonlocal calls
        calls += 1
        raise RuntimeError("always")

    await adapter.subscribe("bulk", "never-ok", handle, QueueConfig(max_retries=0, concurrency=5))
    for i in range(7):
        await adapter.emit(Event(topic="bulk", data=i))
    deadline = time.monotonic() + 20
    while await adapter.dlq_count("bulk", "never-ok") != 7:
        assert time.monotonic() < deadline, "not all dead-lettered"
        await asyncio.sleep(0.05)
    assert calls == 7  # max_retries=0: handled once each
    subscription_free = make_adapter()
    assert await subscription_free.redrive_dlq("bulk", "never-ok") == 7
