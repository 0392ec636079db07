"""stepkit streams adapter on Redis (``STEPKIT_STREAMS_ADAPTER=redis``)."""

from stepkit.adapters.redis_streams.config import RedisStreamsConfig
from stepkit.adapters.redis_streams.manager import RedisStreamManager
from stepkit.adapters.redis_streams.stream import RedisStreamAdapter

__all__ = ["RedisStreamAdapter", "RedisStreamManager", "RedisStreamsConfig"]
