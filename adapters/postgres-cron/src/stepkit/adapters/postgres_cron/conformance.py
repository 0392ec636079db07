"""Conformance hook: the suite builds :class:`PostgresCronAdapter` through this factory (no eager connect)."""

from __future__ import annotations

from stepkit.adapters.postgres_cron.adapter import PostgresCronAdapter
from stepkit.adapters.sql_cron_common.conformance import sql_conformance_factory

factory = sql_conformance_factory(PostgresCronAdapter, "postgres")

__all__ = ["factory"]
