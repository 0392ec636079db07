"""A second subscriber group on ``message.received``: counts every message it sees."""

from __future__ import annotations

from typing import Any

config = {
    "type": "event",
    "name": "AuditMessage",
    "description": "Count received messages (a second consumer group on the same topic)",
    "subscribes": ["message.received"],
    "emits": [],
    "flows": ["messaging"],
}


def _increment(current: Any) -> int:
    return (current or 0) + 1


async def handler(message: dict[str, Any], ctx: Any) -> None:
    await ctx.state.update("message-handling", f"{ctx.step}:{message['id']}", _increment)
