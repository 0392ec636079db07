"""POST /messages: validate the body, emit ``message.received``, answer 202 with the message id.

The id is always generated here (a client cannot choose or overwrite it), and
only the schema's fields are forwarded: anything else in the body is dropped.
Send an ``Idempotency-Key`` header to make client retries safe: the runtime
replays the first response instead of accepting the message twice.
"""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, Field


class MessageBody(BaseModel):
    """A message to deliver. ``delay_ms`` makes processing slow (for demos and failover tests)."""

    text: str = Field(min_length=1, max_length=2000)
    sender: str = Field(min_length=1, max_length=100)
    delay_ms: int = Field(default=0, ge=0, le=5000)


config = {
    "type": "api",
    "name": "SendMessage",
    "description": "Accept a message and hand it to the processing steps",
    "path": "/messages",
    "method": "POST",
    "bodySchema": MessageBody,
    "emits": ["message.received"],
    "flows": ["messaging"],
}


async def handler(req: Any, ctx: Any) -> dict[str, Any]:
    message_id = uuid.uuid4().hex
    fields = req.model.model_dump()  # only the schema's fields, validated
    await ctx.emit({"topic": "message.received", "data": {**fields, "id": message_id}})
    ctx.logger.info("message accepted", {"message_id": message_id, "sender": fields["sender"]})
    return {"status": 202, "body": {"id": message_id, "trace_id": ctx.trace_id, "instance": ctx.instance_id}}
