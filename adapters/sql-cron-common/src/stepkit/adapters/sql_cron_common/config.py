"""Settings shared by the SQL cron adapters, and the table-name rule."""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from stepkit.core.protocols.cron import CronAdapterConfig

TABLE_PREFIX_RULE = re.compile(r"[a-z_][a-z0-9_]{0,39}")
"""A table prefix: a lowercase letter or ``_``, then up to 39 lowercase letters, digits or ``_``."""


def validate_table_prefix(value: str) -> str:
    """Return ``value`` if it is a valid table prefix.

    Lowercase only, so the name is the same on every server and file system
    (MySQL maps table names to files; PostgreSQL folds unquoted names).

    Raises:
        ValueError: naming the rule.
    """
    if not TABLE_PREFIX_RULE.fullmatch(value):
        raise ValueError(
            f"table_prefix must be 1-40 characters of lowercase letters, digits and '_', "
            f"not starting with a digit; got {value!r}"
        )
    return value


class SqlCronConfig(CronAdapterConfig):
    """Settings of a SQL cron adapter (on top of ``namespace``, ``operation_timeout``, ``instance_id``).

    * ``url``: the database URL (each adapter sets its own default).
    * ``table_prefix``: the adapter uses the tables ``{prefix}locks`` and
      ``{prefix}floors``, created on first use.
    * ``pool_size``: the most connections this instance opens at once.
    * ``cleanup_interval``: seconds between sweeps that delete expired lock
      rows of this namespace (the runtime takes one job name per tick).
    * ``cleanup_batch``: the most rows one sweep deletes.
    """

    url: str = ""
    table_prefix: str = Field(default="stepkit_cron_")
    pool_size: int = Field(default=4, ge=1, le=100)
    cleanup_interval: float = Field(default=60.0, gt=0, le=86400)
    cleanup_batch: int = Field(default=1000, ge=1, le=100000)

    @field_validator("table_prefix")
    @classmethod
    def _prefix_rule(cls, value: str) -> str:
        return validate_table_prefix(value)


__all__ = ["TABLE_PREFIX_RULE", "SqlCronConfig", "validate_table_prefix"]
