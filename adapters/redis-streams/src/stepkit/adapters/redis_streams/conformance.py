"""Conformance hook: the suite builds :class:`RedisStreamManager` through this factory (no eager connect)."""

from __future__ import annotations

from stepkit.adapters.redis_common.conformance import redis_conformance_factory
from stepkit.adapters.redis_streams.manager import RedisStreamManager

factory = redis_conformance_factory(RedisStreamManager)

__all__ = ["factory"]
