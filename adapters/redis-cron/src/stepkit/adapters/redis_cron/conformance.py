"""Conformance hook: the suite builds :class:`RedisCronAdapter` through this factory (no eager connect)."""

from __future__ import annotations

from stepkit.adapters.redis_common.conformance import redis_conformance_factory
from stepkit.adapters.redis_cron.adapter import RedisCronAdapter

factory = redis_conformance_factory(RedisCronAdapter)

__all__ = ["factory"]
