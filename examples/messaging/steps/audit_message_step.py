"""A second subscriber group on ``message.received``: counts messages per sender, idempotently.

Delivery is at-least-once, so the same event may arrive twice (a redelivery
after a crash or an outage). The per-sender counter therefore records which
message ids it has counted, in the same atomic update, and counts each id once.
``message-handling`` counts deliveries instead (it shows exactly-once delivery
when nothing fails; it is observability, not business data).
"""

from __future__ import annotations

from typing import Any

config = {
    "type": "event",
    "name": "AuditMessage",
    "description": "Count received messages per sender (a second consumer group on the same topic)",
    "subscribes": ["message.received"],
    "emits": [],
    "flows": ["messaging"],
}


def _increment(current: Any) -> int:
    return (current or 0) + 1


def count_once(message_id: str) -> Any:
    """An update function adding ``message_id`` to a sender's count unless it was counted already."""

    def update(current: Any) -> dict[str, Any]:
        counted = dict(current or {"count": 0, "message_ids": []})
        if message_id in counted["message_ids"]:
            return counted
        return {"count": counted["count"] + 1, "message_ids": [*counted["message_ids"], message_id]}

    return update


async def handler(message: dict[str, Any], ctx: Any) -> None:
    await ctx.state.update("senders", message["sender"], count_once(message["id"]))
    await ctx.state.update("message-handling", f"{ctx.step}:{message['id']}", _increment)
