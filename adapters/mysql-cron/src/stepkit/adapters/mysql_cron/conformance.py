"""Conformance hook: the suite builds :class:`MySQLCronAdapter` through this factory (no eager connect)."""

from __future__ import annotations

from stepkit.adapters.mysql_cron.adapter import MySQLCronAdapter
from stepkit.adapters.sql_cron_common.conformance import sql_conformance_factory

factory = sql_conformance_factory(MySQLCronAdapter, "mysql")

__all__ = ["factory"]
