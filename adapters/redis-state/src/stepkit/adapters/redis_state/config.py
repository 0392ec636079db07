"""Settings of the Redis state adapter."""

from __future__ import annotations

from pydantic import Field

from stepkit.adapters.redis_common.config import RedisSettings
from stepkit.core.backoff import Backoff


class RedisStateConfig(RedisSettings):
    """:class:`RedisSettings` plus the bound of ``update``'s optimistic retries.

    ``update`` retries a lost compare-and-set up to ``update_max_attempts``
    times, waiting per ``update_backoff``; then it raises
    ``AdapterConflictError``.
    """

    update_max_attempts: int = Field(default=200, ge=1, le=100_000)
    update_backoff: Backoff = Field(
        default_factory=lambda: Backoff(initial_seconds=0.001, multiplier=2.0, max_seconds=0.05, jitter=1.0)
    )


__all__ = ["RedisStateConfig"]
