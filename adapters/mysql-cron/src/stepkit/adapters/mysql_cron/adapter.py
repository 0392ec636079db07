"""The MySQL/MariaDB cron lock adapter (``STEPKIT_CRON_ADAPTER=mysql``)."""

from __future__ import annotations

from typing import Any, ClassVar

from stepkit.adapters.mysql_cron.config import MySQLCronConfig, parse_url
from stepkit.adapters.mysql_cron.dialect import MySQLDialect
from stepkit.adapters.sql_cron_common.adapter import SqlCronAdapter
from stepkit.adapters.sql_cron_common.config import SqlCronConfig
from stepkit.adapters.sql_cron_common.dialect import SqlDialect, Tables
from stepkit.core.config import AdapterConfig


class MySQLCronAdapter(SqlCronAdapter):
    """Cron locks in MySQL or MariaDB (asyncmy, InnoDB), with fencing tokens.

    Every guarantee of :class:`SqlCronAdapter` holds. Acquire is one
    ``INSERT ... SELECT ... ON DUPLICATE KEY UPDATE col = IF(expired, new, old)``
    statement (its read-back ``SELECT`` rides in the same round trip);
    release and renew are one ``UPDATE`` each, matching the ``lock_id``.
    Times are the server's ``CURRENT_TIMESTAMP(6)`` in UTC.
    """

    name: ClassVar[str] = "mysql"
    config_model: ClassVar[type[AdapterConfig]] = MySQLCronConfig

    @classmethod
    def _make_dialect(cls, settings: SqlCronConfig, tables: Tables) -> SqlDialect[Any]:
        return MySQLDialect(tables, parse_url(settings.url), settings.operation_timeout)


__all__ = ["MySQLCronAdapter"]
