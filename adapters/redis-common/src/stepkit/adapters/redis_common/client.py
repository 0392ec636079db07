"""Building the redis.asyncio client from :class:`RedisSettings`."""

from __future__ import annotations

import ssl as ssl_module
from typing import Any
from urllib.parse import urlsplit

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from stepkit.adapters.redis_common.config import RedisSettings

_CERT_REQS = {
    "required": ssl_module.CERT_REQUIRED,
    "optional": ssl_module.CERT_OPTIONAL,
    "none": ssl_module.CERT_NONE,
}


def client_options(settings: RedisSettings) -> dict[str, Any]:
    """Keyword arguments for ``Redis.from_url`` derived from ``settings``.

    Socket reads are bounded by ``operation_timeout`` and connects by
    ``connect_timeout``; the driver itself never retries (stepkit bounds and
    retries at its own level), and a broken connection is replaced on the
    next command, so the client reconnects by itself after a restart.
    """
    options: dict[str, Any] = {
        "socket_timeout": settings.operation_timeout,
        "socket_connect_timeout": settings.connect_timeout,
        "socket_keepalive": True,
        "retry": Retry(NoBackoff(), 0),
        "retry_on_timeout": False,
        "health_check_interval": 0,
        "decode_responses": False,
    }
    if settings.username is not None:
        options["username"] = settings.username
    if settings.password is not None:
        options["password"] = settings.password.get_secret_value()
    scheme = urlsplit(settings.url).scheme
    if settings.ssl is True and scheme == "redis":
        options["connection_class"] = aioredis.SSLConnection
    use_tls = settings.ssl if settings.ssl is not None else scheme == "rediss"
    if use_tls:
        options["ssl_cert_reqs"] = _CERT_REQS[settings.ssl_cert_reqs]
        if settings.ssl_ca_certs:
            options["ssl_ca_certs"] = settings.ssl_ca_certs
        if settings.ssl_certfile:
            options["ssl_certfile"] = settings.ssl_certfile
        if settings.ssl_keyfile:
            options["ssl_keyfile"] = settings.ssl_keyfile
    return options


def create_client(settings: RedisSettings) -> aioredis.Redis:
    """A new client (no connection is made until the first command)."""
    url = settings.url
    if settings.ssl is False and urlsplit(url).scheme == "rediss":
        url = "redis" + url[len("rediss") :]
    client: aioredis.Redis = aioredis.Redis.from_url(url, **client_options(settings))
    return client


__all__ = ["client_options", "create_client"]
