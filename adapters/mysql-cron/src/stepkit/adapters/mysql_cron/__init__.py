"""stepkit cron lock adapter on MySQL/MariaDB (``STEPKIT_CRON_ADAPTER=mysql``)."""

from stepkit.adapters.mysql_cron.adapter import MySQLCronAdapter
from stepkit.adapters.mysql_cron.config import MySQLCronConfig

__all__ = ["MySQLCronAdapter", "MySQLCronConfig"]
