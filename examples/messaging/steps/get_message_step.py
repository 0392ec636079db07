"""GET /messages/{id}: read a processed message from shared state (any instance answers)."""

from __future__ import annotations

from typing import Any

config = {
    "type": "api",
    "name": "GetMessage",
    "description": "Read a processed message",
    "path": "/messages/{id}",
    "method": "GET",
    "emits": [],
    "flows": ["messaging"],
}


async def handler(req: Any, ctx: Any) -> dict[str, Any]:
    message = await ctx.state.get("messages", req.path_params["id"])
    if message is None:
        return {"status": 404, "body": {"error": "no such message", "id": req.path_params["id"]}}
    return {"status": 200, "body": message}
