"""What the SQL cron adapters share: lock-row model, fencing floor, pool, config, conformance factory."""

from stepkit.adapters.sql_cron_common.adapter import SqlCronAdapter
from stepkit.adapters.sql_cron_common.config import SqlCronConfig, validate_table_prefix
from stepkit.adapters.sql_cron_common.dialect import Grant, LockRow, SqlDialect, Tables
from stepkit.adapters.sql_cron_common.pool import ConnectionPool

__all__ = [
    "ConnectionPool",
    "Grant",
    "LockRow",
    "SqlCronAdapter",
    "SqlCronConfig",
    "SqlDialect",
    "Tables",
    "validate_table_prefix",
]
