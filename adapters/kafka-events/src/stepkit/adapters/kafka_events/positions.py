"""Group positions: where a new group starts, and end offsets that can be trusted.

* **Start of a new group.** A group must receive every event emitted after it
  first subscribed, and none from before. On subscribe, every partition of the
  events topic without a committed offset for the group gets the partition's
  current end committed, before ``subscribe`` returns. Consumers then start from
  the committed offsets (``auto_offset_reset="earliest"`` only applies to topics
  re-created empty, e.g. after a broker lost its data).
  Apache Kafka refuses such a commit while the group has live members; their
  positions then stand and nothing is anchored.
* **End offsets.** Tansu answers ListOffsets "latest" with the base offset of the
  last batch plus one, which is too low after a batched produce. With
  ``broker_quirks="tansu"`` the end is confirmed by fetching from there and
  reading the high watermark of the fetch response.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from aiokafka import TopicPartition  # type: ignore[import-untyped]
from aiokafka.errors import (  # type: ignore[import-untyped]
    CommitFailedError,
    IllegalGenerationError,
    RebalanceInProgressError,
    UnknownMemberIdError,
)

log = logging.getLogger(__name__)

GROUP_ACTIVE_ERRORS: tuple[type[BaseException], ...] = (
    CommitFailedError,
    IllegalGenerationError,
    RebalanceInProgressError,
    UnknownMemberIdError,
)
"""Commit refusals meaning "the group has live members" (Apache Kafka refuses outside commits then)."""

FETCH_POLL_MS = 100


async def end_offsets(consumer: Any, partitions: list[Any], *, verify: bool, timeout: float) -> dict[Any, int]:
    """The end (next offset to be written) of each of ``partitions``, assigned to ``consumer``.

    With ``verify`` the listed ends are confirmed by a fetch (see module docs).
    """
    listed: dict[Any, int] = dict(await consumer.end_offsets(partitions))
    if not verify:
        return listed
    ends = dict(listed)
    for tp in partitions:
        consumer.seek(tp, max(0, listed[tp] - 1))
    pending = set(partitions)
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        batches = await consumer.getmany(*pending, timeout_ms=FETCH_POLL_MS)
        for tp, records in batches.items():
            if records:
                ends[tp] = max(ends[tp], records[-1].offset + 1)
        for tp in list(pending):
            highwater = consumer.highwater(tp)
            if highwater is not None:
                ends[tp] = max(ends[tp], highwater)
                pending.discard(tp)
    if pending:
        raise TimeoutError(f"no fetch answered for {sorted(str(tp) for tp in pending)}")
    return ends


def partitions_of(topic: str, count: int) -> list[Any]:
    """``TopicPartition`` 0..count-1 of ``topic``."""
    return [TopicPartition(topic, index) for index in range(count)]


async def anchor_new_group(consumer: Any, topic: str, *, verify: bool, timeout: float) -> int:
    """Commit the current end for every partition of ``topic`` the group has no offset for.

    ``consumer`` is started, in the group, with nothing assigned. Returns how
    many partitions were anchored.
    """
    await consumer.topics()  # refreshes metadata for every topic
    partitions = [TopicPartition(topic, index) for index in sorted(consumer.partitions_for_topic(topic) or ())]
    if not partitions:
        raise LookupError(f"topic {topic!r} has no partitions (it does not exist)")
    consumer.assign(partitions)
    missing = [tp for tp in partitions if await consumer.committed(tp) is None]
    if not missing:
        return 0
    ends = await end_offsets(consumer, missing, verify=verify, timeout=timeout)
    still_missing = {tp: ends[tp] for tp in missing if await consumer.committed(tp) is None}
    if not still_missing:
        return 0
    try:
        await consumer.commit(still_missing)
    except GROUP_ACTIVE_ERRORS as exc:
        # Kafka accepts a commit from outside the group only while the group is empty; an
        # active group's members already hold positions, so there is nothing to anchor.
        log.info("kafka events: group of %s is active, start position not anchored: %r", topic, exc)
        return 0
    return len(still_missing)


__all__ = ["anchor_new_group", "end_offsets", "partitions_of"]
