"""One Redis client per adapter instance: lazy, bounded, self-healing."""

from __future__ import annotations

import asyncio
import contextlib
from contextlib import AbstractAsyncContextManager
from typing import Any

import redis.asyncio as aioredis

from stepkit.adapters.redis_common.client import create_client
from stepkit.adapters.redis_common.config import RedisSettings
from stepkit.adapters.redis_common.errors import BACKEND, UNAVAILABLE, redis_deadline
from stepkit.adapters.redis_common.executor import AutoPipeline
from stepkit.adapters.redis_common.keys import KeyLayout
from stepkit.adapters.redis_common.scripts import LuaScript
from stepkit.core.connection import LazyConnection
from stepkit.core.deadline import translate_error


class RedisSession:
    """An open client and its auto-pipelining executor."""

    __slots__ = ("client", "executor")

    def __init__(self, client: aioredis.Redis, executor: AutoPipeline) -> None:
        self.client = client
        self.executor = executor


class RedisConnection:
    """What an adapter holds: settings, key layout and a lazily opened session.

    * Nothing connects before the first operation (or :meth:`open`).
    * Every operation runs under :meth:`bounded`: it finishes within
      ``operation_timeout`` or raises ``AdapterUnavailableError``; driver
      errors never leak.
    * A dead connection is dropped and replaced on the next command, so the
      adapter works again as soon as Redis is back.
    """

    def __init__(self, settings: RedisSettings) -> None:
        self.settings = settings
        self.timeout = settings.operation_timeout
        self.keys = KeyLayout(settings.namespace_prefix)
        self._lazy: LazyConnection[RedisSession] = LazyConnection(
            self._connect, self._disconnect, backend=BACKEND, connect_timeout=settings.connect_timeout
        )
        # The open session's executor, mirrored from the LazyConnection (set by
        # _connect, cleared by _disconnect) so a call skips one coroutine.
        self._executor: AutoPipeline | None = None

    async def _connect(self) -> RedisSession:
        client = create_client(self.settings)
        executor = AutoPipeline(
            client, max_batches=self.settings.pipeline_connections, timeout=self.settings.operation_timeout
        )
        self._executor = executor
        return RedisSession(client, executor)

    async def _disconnect(self, session: RedisSession) -> None:
        if self._executor is session.executor:
            self._executor = None
        await session.executor.close()
        await session.client.aclose()

    async def session(self) -> RedisSession:
        """The open session (created on first use)."""
        return await self._lazy.get()

    async def executor(self) -> AutoPipeline:
        """The auto-pipelining executor of the open session."""
        return (await self._lazy.get()).executor

    def bounded(self, operation: str) -> AbstractAsyncContextManager[None]:
        """Run a block of Redis calls within ``operation_timeout``, errors translated."""
        return redis_deadline(self.timeout, operation)

    async def call(self, operation: str, *command: Any) -> Any:
        """One command, bounded and translated.

        Time is bounded by the executor (one timer per batch, see
        :class:`AutoPipeline`), errors are translated by the core rules.
        """
        try:
            executor = self._executor
            if executor is None or self._lazy.closed:
                executor = (await self._lazy.get()).executor
            return await executor.execute(*command)
        except Exception as exc:
            raise self._translate(exc, operation) from exc

    async def script(self, operation: str, script: LuaScript, keys: tuple[str, ...], args: tuple[Any, ...]) -> Any:
        """One Lua script, bounded (per round trip) and translated."""
        try:
            executor = self._executor
            if executor is None or self._lazy.closed:
                executor = (await self._lazy.get()).executor
            return await script.run(executor, keys, args)
        except Exception as exc:
            raise self._translate(exc, operation) from exc

    def _translate(self, exc: Exception, operation: str) -> Exception:
        error = translate_error(exc, self.timeout, backend=BACKEND, operation=operation, unavailable=UNAVAILABLE)
        if error is exc:  # already an AdapterError: re-raise unchanged
            raise exc
        return error

    async def ping(self) -> bool:
        """True when Redis answers PING within the timeout. Never raises."""
        try:
            await self.call("ping", "PING")
        except Exception:  # noqa: BLE001 - health probe
            return False
        return True

    async def close(self) -> None:
        """Close the client and its connections. Idempotent."""
        await self._lazy.close()


async def close_quietly(client: aioredis.Redis, timeout: float) -> None:
    """Close a client within ``timeout``, ignoring errors (best effort at shutdown)."""
    with contextlib.suppress(*UNAVAILABLE, OSError, TimeoutError):
        async with asyncio.timeout(timeout):
            await client.aclose()


__all__ = ["RedisConnection", "RedisSession", "close_quietly"]
