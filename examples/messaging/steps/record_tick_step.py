"""Every second: count this tick's runs in state, keyed by the tick's epoch second.

With N instances the count of every tick is exactly 1 (the runtime's cron promise).
"""

from __future__ import annotations

from typing import Any

config = {
    "type": "cron",
    "name": "RecordTick",
    "description": "Record each tick and the instance that ran it",
    "cron": "* * * * * *",
    "emits": [],
    "flows": ["messaging"],
}


async def handler(ctx: Any) -> None:
    instance = ctx.instance_id

    def record(current: Any) -> dict[str, Any]:
        runs = dict(current or {"count": 0, "instances": []})
        return {"count": runs["count"] + 1, "instances": [*runs["instances"], instance]}

    await ctx.state.update("cron-ticks", str(ctx.tick.epoch), record)
