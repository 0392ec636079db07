"""stepkit cron lock adapter on PostgreSQL (``STEPKIT_CRON_ADAPTER=postgres``)."""

from stepkit.adapters.postgres_cron.adapter import PostgresCronAdapter
from stepkit.adapters.postgres_cron.config import PostgresCronConfig

__all__ = ["PostgresCronAdapter", "PostgresCronConfig"]
