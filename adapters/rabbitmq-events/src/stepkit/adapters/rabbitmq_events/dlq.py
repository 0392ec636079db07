"""Counting and redriving a group's dead-letter queue.

Both use a short-lived plain (non-robust) channel, because a passive declare of
a queue that does not exist closes the channel: a group that never subscribed
has no DLQ, so its count is 0 and a redrive moves nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from aio_pika import Channel
from aio_pika.abc import AbstractChannel, AbstractQueue, AbstractRobustConnection
from aio_pika.exceptions import ChannelNotFoundEntity

from stepkit.adapters.rabbitmq_events import headers
from stepkit.adapters.rabbitmq_events.errors import bounded
from stepkit.adapters.rabbitmq_events.naming import GroupNames
from stepkit.adapters.rabbitmq_events.publisher import Publisher


@contextlib.asynccontextmanager
async def _scratch_channel(connection: AbstractRobustConnection, timeout: float) -> AsyncIterator[AbstractChannel]:
    async with bounded(timeout, "open channel"):
        await connection.ready()
        channel = await Channel(connection, publisher_confirms=False)
    try:
        yield channel
    finally:
        with contextlib.suppress(Exception):
            async with bounded(timeout, "close channel"):
                await channel.close()


async def _passive(channel: AbstractChannel, name: str) -> AbstractQueue | None:
    try:
        return await channel.declare_queue(name, passive=True)
    except ChannelNotFoundEntity:
        return None


def _message_count(queue: AbstractQueue) -> int:
    result = queue.declaration_result
    return int(result.message_count or 0)


async def count(connection: AbstractRobustConnection, group: GroupNames, timeout: float) -> int:
    """Messages ready in the group's DLQ (0 when it does not exist). Bounded by ``timeout``."""
    async with bounded(timeout, "dlq_count"), _scratch_channel(connection, timeout) as channel:
        queue = await _passive(channel, group.dlq)
        return 0 if queue is None else _message_count(queue)
    raise AssertionError("unreachable")  # pragma: no cover


async def redrive(
    connection: AbstractRobustConnection,
    publisher: Publisher,
    group: GroupNames,
    default_target: str,
    timeout: float,
) -> int:
    """Move the DLQ's messages back to the queue they came from, attempt reset to 1.

    At most the number of messages present at the start are moved (events that
    fail again meanwhile are not looped over). Each move publishes a confirmed
    copy, then acks the dead letter: a failure midway leaves every event in
    exactly one of the two queues, or (lost ack) in both — never in neither.
    Each step is bounded by ``timeout``.
    """
    async with _scratch_channel(connection, timeout) as channel:
        async with bounded(timeout, "redrive_dlq"):
            queue = await _passive(channel, group.dlq)
        if queue is None:
            return 0
        total = _message_count(queue)
        moved = 0
        while moved < total:
            async with bounded(timeout, "redrive_dlq"):
                message = await queue.get(no_ack=False, fail=False)
                if message is None:
                    break
                target = message.headers.get(headers.HEADER_QUEUE)
                destination = target if isinstance(target, str) and target else default_target
                await publisher.to_queue(headers.copy(message, attempt=1), destination)
                await message.ack()
            moved += 1
        return moved


__all__ = ["count", "redrive"]
