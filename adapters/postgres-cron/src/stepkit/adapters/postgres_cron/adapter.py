"""The PostgreSQL cron lock adapter (``STEPKIT_CRON_ADAPTER=postgres``)."""

from __future__ import annotations

from typing import Any, ClassVar

from stepkit.adapters.postgres_cron.config import PostgresCronConfig
from stepkit.adapters.postgres_cron.dialect import PostgresDialect
from stepkit.adapters.sql_cron_common.adapter import SqlCronAdapter
from stepkit.adapters.sql_cron_common.config import SqlCronConfig
from stepkit.adapters.sql_cron_common.dialect import SqlDialect, Tables
from stepkit.core.config import AdapterConfig


class PostgresCronAdapter(SqlCronAdapter):
    """Cron locks in PostgreSQL (asyncpg), with fencing tokens.

    Every guarantee of :class:`SqlCronAdapter` holds. Acquire is one
    ``INSERT ... ON CONFLICT DO UPDATE ... WHERE expires_at <= now()``
    statement; release and renew are one ``UPDATE`` each, matching the
    ``lock_id``. Times are PostgreSQL's ``now()``.
    """

    name: ClassVar[str] = "postgres"
    config_model: ClassVar[type[AdapterConfig]] = PostgresCronConfig

    @classmethod
    def _make_dialect(cls, settings: SqlCronConfig, tables: Tables) -> SqlDialect[Any]:
        return PostgresDialect(tables, settings.url, settings.operation_timeout)


__all__ = ["PostgresCronAdapter"]
