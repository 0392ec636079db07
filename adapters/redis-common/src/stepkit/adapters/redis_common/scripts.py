"""Lua scripts run by SHA (EVALSHA), falling back to EVAL when not cached."""

from __future__ import annotations

import hashlib
from typing import Any

from redis.exceptions import NoScriptError

from stepkit.adapters.redis_common.executor import AutoPipeline


class LuaScript:
    """A Lua script with its SHA1 computed once.

    :meth:`run` sends ``EVALSHA``; if the server answers ``NOSCRIPT`` (after a
    restart, ``SCRIPT FLUSH`` or a failover) it sends ``EVAL`` once, which
    also caches the script again. Create scripts once, at module level.
    """

    __slots__ = ("sha", "source")

    def __init__(self, source: str) -> None:
        self.source = source
        self.sha = hashlib.sha1(source.encode("utf-8")).hexdigest()

    async def run(self, executor: AutoPipeline, keys: tuple[str, ...], args: tuple[Any, ...]) -> Any:
        """Run atomically on the server and return its reply."""
        try:
            return await executor.execute("EVALSHA", self.sha, len(keys), *keys, *args)
        except NoScriptError:
            return await executor.execute("EVAL", self.source, len(keys), *keys, *args)


__all__ = ["LuaScript"]
