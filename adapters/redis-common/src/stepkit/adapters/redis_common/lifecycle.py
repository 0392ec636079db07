"""The lifecycle every Redis adapter shares: eager open, close, and health by PING."""

from __future__ import annotations

from stepkit.adapters.redis_common.connection import RedisConnection


class RedisBackedAdapter:
    """Mixin for adapters holding one :class:`RedisConnection` in ``self._redis``.

    Put it before the core adapter base class. ``open()`` proves the server
    answers; ``close()`` closes the connection; ``is_healthy()`` is True only
    while the adapter is open and Redis answers PING within the operation
    timeout, and never raises.
    """

    _redis: RedisConnection
    _closed: bool

    @property
    def redis(self) -> RedisConnection:
        """The underlying connection (its executor counts round trips)."""
        return self._redis

    async def _open(self) -> None:
        await self._redis.call("open", "PING")

    async def _close(self) -> None:
        await self._redis.close()

    async def is_healthy(self) -> bool:
        """True when Redis answers PING within the operation timeout. Never raises."""
        return not self._closed and await self._redis.ping()


__all__ = ["RedisBackedAdapter"]
