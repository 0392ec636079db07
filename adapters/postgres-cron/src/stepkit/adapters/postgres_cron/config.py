"""Settings of the PostgreSQL cron adapter."""

from __future__ import annotations

from pydantic import Field

from stepkit.adapters.sql_cron_common.config import SqlCronConfig

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


class PostgresCronConfig(SqlCronConfig):
    """:class:`SqlCronConfig` with a PostgreSQL ``url`` (``postgresql://user:pass@host:port/db``)."""

    url: str = Field(default=DEFAULT_URL, description="PostgreSQL DSN, as asyncpg takes it.")


__all__ = ["DEFAULT_URL", "PostgresCronConfig"]
