"""stepkit cron lock adapter on Redis (``STEPKIT_CRON_ADAPTER=redis``)."""

from stepkit.adapters.redis_cron.adapter import RedisCronAdapter
from stepkit.adapters.redis_cron.config import RedisCronConfig

__all__ = ["RedisCronAdapter", "RedisCronConfig"]
