"""Settings of the DynamoDB state adapter."""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from stepkit.adapters.aws_common import AwsSettings
from stepkit.core.backoff import Backoff

BACKEND = "dynamodb"
"""The backend's name in error messages."""

DYNAMODB_ITEM_LIMIT = 400_000
"""DynamoDB's 400 KB item limit (attribute names included), read as 400,000 bytes.

AWS accepts up to 409,600 bytes and moto up to 405,000; the adapter checks
the smaller figure so an item it accepts is accepted by both.
"""

MAX_NAMESPACE_BYTES = 1019
"""Longest namespace (UTF-8 bytes) that keeps every partition key within DynamoDB's 2048 bytes."""

_TABLE_NAME = re.compile(r"[A-Za-z0-9_.-]{3,255}")


class DynamoDBStateConfig(AwsSettings):
    """Settings of :class:`~stepkit.adapters.dynamodb_state.DynamoDBStateAdapter`.

    The client settings (``url``, ``region``, credentials, ``connect_timeout``,
    ``max_attempts``) come from :class:`~stepkit.adapters.aws_common.AwsSettings`.

    * ``table_name``: the table holding every namespace (the namespace is part
      of each partition key).
    * ``create_table``: create the table (and enable TTL on ``exp``) when it is
      missing, and wait until it is ACTIVE; when False a missing table is an
      ``AdapterConfigurationError``.
    * ``max_value_bytes``: largest value (its JSON text, UTF-8 bytes); never
      above DynamoDB's item limit, which is checked as well.
    * ``operation_timeout``: bound of one DynamoDB call (retries included).
    * ``table_wait_timeout``: bound of waiting for a created table to become ACTIVE.
    * ``update_max_attempts`` / ``update_backoff``: lost conditional writes
      ``update`` retries before raising ``AdapterConflictError``, and the wait
      between them. Transaction conflicts of ``set_many`` use the same bound.
    * ``index_grace_seconds``: a group index item is never removed until this
      long after its last write; an instance that wrote it less than
      ``index_grace_seconds - 2 * (clock_skew_seconds + operation_timeout)``
      ago writes entries of that group without rewriting it.
    * ``clock_skew_seconds``: the largest difference between instances' wall
      clocks the adapter tolerates (TTL and index cleanup use wall clocks).
    """

    table_name: str = Field(default="stepkit-state")
    create_table: bool = True
    max_value_bytes: int = Field(default=DYNAMODB_ITEM_LIMIT, ge=1, le=DYNAMODB_ITEM_LIMIT)
    table_wait_timeout: float = Field(default=60.0, gt=0, le=3600)
    update_max_attempts: int = Field(default=200, ge=1, le=100_000)
    update_backoff: Backoff = Field(
        default_factory=lambda: Backoff(initial_seconds=0.002, multiplier=2.0, max_seconds=0.1, jitter=1.0)
    )
    index_grace_seconds: float = Field(default=300.0, gt=0, le=86_400)
    clock_skew_seconds: float = Field(default=30.0, ge=0, le=3600)

    @property
    def index_reuse_seconds(self) -> float:
        """How long after writing a group index item this instance may rely on it (0: never)."""
        return max(0.0, self.index_grace_seconds - 2 * (self.clock_skew_seconds + self.operation_timeout))

    @field_validator("table_name")
    @classmethod
    def _table_name_rule(cls, value: str) -> str:
        if not _TABLE_NAME.fullmatch(value):
            raise ValueError(f"table_name must be 3 to 255 characters of A-Z, a-z, 0-9, '_', '-', '.'; got {value!r}")
        return value

    @field_validator("namespace")
    @classmethod
    def _namespace_fits_key(cls, value: str) -> str:
        size = len(value.encode("utf-8"))
        if size > MAX_NAMESPACE_BYTES:
            raise ValueError(
                f"namespace must be at most {MAX_NAMESPACE_BYTES} bytes in UTF-8 for DynamoDB "
                f"(partition keys hold at most 2048 bytes); got {size} bytes"
            )
        return value


__all__ = ["BACKEND", "DYNAMODB_ITEM_LIMIT", "MAX_NAMESPACE_BYTES", "DynamoDBStateConfig"]
