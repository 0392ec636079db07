"""Store each received message in state and in the ``messages`` stream, then emit ``message.processed``.

Every write is keyed by the server-generated message id, so a redelivered
event rewrites the same values (idempotent); ``message-handling`` counts
deliveries (observability: 1 each when nothing failed).
"""

from __future__ import annotations

import asyncio
from typing import Any

config = {
    "type": "event",
    "name": "ProcessMessage",
    "description": "Persist a message and announce it",
    "subscribes": ["message.received"],
    "emits": ["message.processed"],
    "flows": ["messaging"],
    "infrastructure": {"queue": {"maxRetries": 5, "visibilityTimeout": 30}},
}


def _increment(current: Any) -> int:
    return (current or 0) + 1


async def handler(message: dict[str, Any], ctx: Any) -> None:
    ctx.logger.info("processing message", {"message_id": message["id"]})
    if message.get("delay_ms"):
        await asyncio.sleep(message["delay_ms"] / 1000)
    stored = {
        "id": message["id"],
        "text": message["text"],
        "sender": message["sender"],
        "trace_id": ctx.trace_id,
        "handled_by": ctx.instance_id,
    }
    await ctx.state.set("messages", message["id"], stored)
    await ctx.streams.messages.set(message["sender"], message["id"], stored)
    await ctx.state.update("message-handling", f"{ctx.step}:{message['id']}", _increment)
    await ctx.emit({"topic": "message.processed", "data": {"id": message["id"]}})
    ctx.logger.info("message processed", {"message_id": message["id"]})
