"""stepkit state adapter on Redis (``STEPKIT_STATE_ADAPTER=redis``)."""

from stepkit.adapters.redis_state.adapter import RedisStateAdapter
from stepkit.adapters.redis_state.config import RedisStateConfig

__all__ = ["RedisStateAdapter", "RedisStateConfig"]
