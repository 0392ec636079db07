"""Conformance hook: the suite builds :class:`RedisStateAdapter` through this factory (no eager connect)."""

from __future__ import annotations

from stepkit.adapters.redis_common.conformance import redis_conformance_factory
from stepkit.adapters.redis_state.adapter import RedisStateAdapter

factory = redis_conformance_factory(RedisStateAdapter)

__all__ = ["factory"]
