"""Settings of the Redis streams adapter."""

from __future__ import annotations

from stepkit.adapters.redis_common.config import RedisSettings


class RedisStreamsConfig(RedisSettings):
    """:class:`RedisSettings`; ``operation_timeout`` also bounds waiting for a SUBSCRIBE confirmation."""


__all__ = ["RedisStreamsConfig"]
