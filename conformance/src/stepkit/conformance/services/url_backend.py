"""Servers named by the user with ``STEPKIT_<SERVICE>_URL``."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from .endpoint import ProviderKind, ServiceEndpoint, ServiceName
from .handle import ServiceHandle, UrlHandle

_DEFAULT_PORTS: dict[str, int] = {
    "redis": 6379,
    "rediss": 6380,
    "postgresql": 5432,
    "postgres": 5432,
    "mysql": 3306,
    "mariadb": 3306,
    "amqp": 5672,
    "amqps": 5671,
    "kafka": 9092,
    "nats": 4222,
    "http": 80,
    "https": 443,
}


def url_variable(name: ServiceName) -> str:
    """The environment variable that names a running server for ``name``."""
    return f"STEPKIT_{name.upper()}_URL"


def endpoint_from_url(name: str, url: str, *, variable: str | None = None) -> ServiceEndpoint:
    """Parse a user-supplied URL into an endpoint; ``ValueError`` names the variable (default
    ``STEPKIT_<NAME>_URL``) when it has no host, or no port and a scheme without a default."""
    source = variable or f"STEPKIT_{name.upper()}_URL"
    parts = urlsplit(url)
    if not parts.scheme or not parts.hostname:
        raise ValueError(f"{source}={url!r} is not a URL with a scheme and a host")
    port = parts.port or _DEFAULT_PORTS.get(parts.scheme)
    if port is None:
        raise ValueError(f"{source}={url!r} has no port and scheme {parts.scheme!r} has no default")
    return ServiceEndpoint(name=name, url=url, host=parts.hostname, port=port, provider="url")


class UrlBackend:
    """Hands out the servers listed in the environment; never starts or stops anything."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = dict(environ)

    @property
    def kind(self) -> ProviderKind:
        return "url"

    def has(self, name: ServiceName) -> bool:
        """Whether the environment names a server for ``name``."""
        return bool(self._environ.get(url_variable(name)))

    def start(self, name: ServiceName) -> ServiceHandle:
        """A handle on the named server (every call shares that one server; no fault controls)."""
        return UrlHandle(endpoint_from_url(name, self._environ[url_variable(name)]))

    def close(self) -> None:
        """Nothing to remove: the servers belong to the user."""
