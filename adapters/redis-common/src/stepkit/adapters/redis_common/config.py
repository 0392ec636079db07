"""Settings shared by every Redis adapter."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator

from stepkit.core.config import AdapterConfig
from stepkit.core.identifiers import encode_segment

DEFAULT_URL = "redis://127.0.0.1:6379/0"
_SCHEMES = ("redis", "rediss", "unix")


class RedisSettings(AdapterConfig):
    """Connection settings of a Redis adapter.

    * ``url``: ``redis://[user:password@]host:port/db``, ``rediss://`` for TLS,
      or ``unix:///path.sock``. Credentials and TLS may also be given as fields;
      fields win over the URL.
    * ``key_prefix`` + ``namespace``: every key starts with
      ``{key_prefix}:{<encoded namespace>}:``. The braces make the namespace a
      Redis hash tag, so all keys of one namespace share one hash slot.
    * ``operation_timeout``: bound of every operation (socket reads included).
    * ``connect_timeout``: bound of establishing one TCP/TLS connection.
    * ``pipeline_connections``: connections the auto-pipelining executor keeps
      busy at once; each carries one coalesced batch at a time.
    """

    url: str = Field(default=DEFAULT_URL, description="Redis URL (redis://, rediss:// or unix://).")
    key_prefix: str = Field(default="stepkit", min_length=1, max_length=64)
    connect_timeout: float = Field(default=2.0, gt=0, le=600)
    username: str | None = None
    password: SecretStr | None = None
    ssl: bool | None = Field(default=None, description="Force TLS on/off; default: by URL scheme.")
    ssl_ca_certs: str | None = None
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None
    ssl_cert_reqs: Literal["required", "optional", "none"] = "required"
    pipeline_connections: int = Field(default=4, ge=1, le=256)

    @field_validator("url")
    @classmethod
    def _url_scheme(cls, value: str) -> str:
        scheme = urlsplit(value).scheme
        if scheme not in _SCHEMES:
            raise ValueError(f"url must start with one of {', '.join(s + '://' for s in _SCHEMES)}; got {value!r}")
        return value

    @field_validator("key_prefix")
    @classmethod
    def _prefix_chars(cls, value: str) -> str:
        bad = [c for c in value if c in "{}*?[]\\ " or not c.isprintable()]
        if bad:
            raise ValueError(f"key_prefix must not contain braces, glob characters or spaces; found {bad[0]!r}")
        return value

    @property
    def namespace_prefix(self) -> str:
        """The prefix of every key of this namespace: ``{key_prefix}:{<ns>}``."""
        return f"{self.key_prefix}:{{{encode_segment(self.namespace)}}}"


__all__ = ["DEFAULT_URL", "RedisSettings"]
