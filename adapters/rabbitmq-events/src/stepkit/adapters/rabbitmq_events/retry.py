"""Retry decisions and delay bucketing (pure logic, no I/O).

RabbitMQ cannot delay one message without a queue per delay value (per-message
TTL expires only at the head of a queue). Retry waits are therefore rounded *up*
to the next value of a fixed 1-2-5 ladder, :data:`RETRY_BUCKETS_MS`, so a
namespace has at most ``len(RETRY_BUCKETS_MS)`` (18) retry queues, and a retry
waits at least the :class:`~stepkit.core.backoff.Backoff` delay and less than
2.5 times it (waits beyond one hour are capped at one hour).
"""

from __future__ import annotations

import bisect

from stepkit.core.models.events import QueueConfig

RETRY_BUCKETS_MS: tuple[int, ...] = (
    10, 20, 50, 100, 200, 500,
    1_000, 2_000, 5_000, 10_000, 20_000, 50_000,
    100_000, 200_000, 500_000, 1_000_000, 2_000_000, 3_600_000,
)  # fmt: skip


def bucket_ms(delay_seconds: float) -> int:
    """The smallest bucket (milliseconds) not shorter than ``delay_seconds``, capped at the largest."""
    wanted = max(0, int(delay_seconds * 1000 + 0.999))
    index = bisect.bisect_left(RETRY_BUCKETS_MS, wanted)
    return RETRY_BUCKETS_MS[min(index, len(RETRY_BUCKETS_MS) - 1)]


def exhausted(attempt: int, config: QueueConfig) -> bool:
    """True when delivery ``attempt`` (1-based) failing means dead-lettering.

    ``max_retries`` counts redeliveries after the first failure, so the event is
    handled ``max_retries + 1`` times at most.
    """
    return attempt >= config.max_retries + 1


def retry_delay(attempt: int, config: QueueConfig) -> float:
    """Seconds to wait after failed delivery ``attempt`` before the next one."""
    return config.backoff.delay(attempt)


def delay_ms(delay_seconds: float) -> int:
    """``QueueConfig.delay_seconds`` as the whole milliseconds of a delay queue's TTL (at least 1)."""
    return max(1, round(delay_seconds * 1000))


__all__ = ["RETRY_BUCKETS_MS", "bucket_ms", "delay_ms", "exhausted", "retry_delay"]
