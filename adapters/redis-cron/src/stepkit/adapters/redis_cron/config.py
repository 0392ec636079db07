"""Settings of the Redis cron adapter."""

from __future__ import annotations

from stepkit.adapters.redis_common.config import RedisSettings
from stepkit.core.protocols.cron import CronAdapterConfig


class RedisCronConfig(RedisSettings, CronAdapterConfig):
    """:class:`RedisSettings` plus ``instance_id`` (this holder's name in every lock it takes)."""


__all__ = ["RedisCronConfig"]
