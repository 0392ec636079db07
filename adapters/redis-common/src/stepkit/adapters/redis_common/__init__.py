"""What the stepkit Redis adapters share.

* :class:`RedisSettings`: URL, key prefix/namespace, timeouts, TLS and password.
* :class:`RedisConnection`: a lazily opened client with bounded, translated calls.
* :class:`AutoPipeline`: concurrent commands coalesced into pipelined batches.
* :class:`LuaScript`: EVALSHA with NOSCRIPT fallback.
* :class:`KeyLayout`: collision-free keys built from encoded identifiers.
"""

from stepkit.adapters.redis_common.client import client_options, create_client
from stepkit.adapters.redis_common.config import DEFAULT_URL, RedisSettings
from stepkit.adapters.redis_common.connection import RedisConnection, RedisSession, close_quietly
from stepkit.adapters.redis_common.errors import BACKEND, UNAVAILABLE, redis_deadline
from stepkit.adapters.redis_common.executor import AutoPipeline, Command
from stepkit.adapters.redis_common.keys import KeyLayout, decode, segment
from stepkit.adapters.redis_common.scripts import LuaScript

__all__ = [
    "BACKEND",
    "DEFAULT_URL",
    "UNAVAILABLE",
    "AutoPipeline",
    "Command",
    "KeyLayout",
    "LuaScript",
    "RedisConnection",
    "RedisSession",
    "RedisSettings",
    "client_options",
    "close_quietly",
    "create_client",
    "decode",
    "redis_deadline",
    "segment",
]
