"""The Redis streams manager: one client and one pub/sub connection for all its streams."""

from __future__ import annotations

from typing import Any, ClassVar

from stepkit.adapters.redis_common.connection import RedisConnection
from stepkit.adapters.redis_common.lifecycle import RedisBackedAdapter
from stepkit.adapters.redis_streams.config import RedisStreamsConfig
from stepkit.adapters.redis_streams.hub import PubSubHub
from stepkit.adapters.redis_streams.stream import RedisStreamAdapter
from stepkit.core.capabilities import Capability
from stepkit.core.config import AdapterConfig
from stepkit.core.protocols.streams import StreamAdapter, StreamAdapterManager


class RedisStreamManager(RedisBackedAdapter, StreamAdapterManager):
    """Streams on Redis. ``stream(name)`` handles share this manager's connections.

    Capabilities: ``CROSS_PROCESS``. Live delivery is at-most-once
    (``REPLAY`` is not declared).
    """

    name: ClassVar[str] = "redis"
    capabilities: ClassVar[frozenset[Capability]] = frozenset({Capability.CROSS_PROCESS})
    config_model: ClassVar[type[AdapterConfig]] = RedisStreamsConfig

    def __init__(self, config: AdapterConfig | dict[str, Any] | None = None) -> None:
        super().__init__(config)
        settings = self.config
        assert isinstance(settings, RedisStreamsConfig)
        self._redis = RedisConnection(settings)
        self._hub = PubSubHub(self._redis)

    def _create_stream(self, name: str) -> StreamAdapter:
        return RedisStreamAdapter(name, self.capabilities, self._redis, self._hub)

    async def _close(self) -> None:
        await self._hub.close()
        await super()._close()


__all__ = ["RedisStreamManager"]
