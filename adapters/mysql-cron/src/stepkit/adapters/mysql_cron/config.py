"""Settings of the MySQL/MariaDB cron adapter, and its URL form."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from pydantic import Field, field_validator

from stepkit.adapters.sql_cron_common.config import SqlCronConfig

DEFAULT_URL = "mysql://root@127.0.0.1:3306/test"
SCHEMES = ("mysql", "mariadb")


@dataclass(frozen=True)
class MySQLAddress:
    """Where to connect, split out of ``mysql://user:password@host:port/database``."""

    host: str
    port: int
    user: str
    password: str
    database: str


def parse_url(url: str) -> MySQLAddress:
    """Split a ``mysql://`` (or ``mariadb://``) URL; user, password and port are optional.

    Raises:
        ValueError: naming the URL rule that was broken.
    """
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise ValueError(f"url must start with mysql:// or mariadb://; got {url!r}")
    database = unquote(parts.path.lstrip("/"))
    if not parts.hostname or not database or "/" in database:
        raise ValueError(f"url must name a host and a database (mysql://user:pass@host:port/db); got {url!r}")
    try:
        port = parts.port or 3306
    except ValueError as exc:
        raise ValueError(f"url has an invalid port: {url!r}") from exc
    return MySQLAddress(
        host=parts.hostname,
        port=port,
        user=unquote(parts.username or "root"),
        password=unquote(parts.password or ""),
        database=database,
    )


class MySQLCronConfig(SqlCronConfig):
    """:class:`SqlCronConfig` with a MySQL/MariaDB ``url`` (``mysql://user:pass@host:port/db``)."""

    url: str = Field(default=DEFAULT_URL, description="mysql://user:password@host:port/database")

    @field_validator("url")
    @classmethod
    def _url_rule(cls, value: str) -> str:
        parse_url(value)
        return value


__all__ = ["DEFAULT_URL", "MySQLAddress", "MySQLCronConfig", "parse_url"]
