"""Making sure the state table exists, with the expected key schema and TTL attribute.

IAM actions used here: ``dynamodb:DescribeTable`` always; ``dynamodb:CreateTable``
and ``dynamodb:UpdateTimeToLive`` only when the table is missing and
``create_table`` is on.
"""

from __future__ import annotations

import asyncio
from typing import Any

from stepkit.adapters.aws_common import error_code
from stepkit.adapters.dynamodb_state.config import BACKEND, DynamoDBStateConfig
from stepkit.adapters.dynamodb_state.layout import EXPIRES, PK, SK
from stepkit.core.errors import AdapterConfigurationError, AdapterUnavailableError

KEY_SCHEMA = [{"AttributeName": PK, "KeyType": "HASH"}, {"AttributeName": SK, "KeyType": "RANGE"}]
ATTRIBUTES = [{"AttributeName": PK, "AttributeType": "S"}, {"AttributeName": SK, "AttributeType": "S"}]
_POLL_SECONDS = 0.2


class TableKeeper:
    """Checks (and, if configured, creates) the table once, and again after :meth:`forget`."""

    def __init__(self, config: DynamoDBStateConfig) -> None:
        self._config = config
        self._name = config.table_name
        self._ready = False
        self._lock = asyncio.Lock()

    def forget(self) -> None:
        """The table vanished (e.g. the server restarted empty): check it again on the next call."""
        self._ready = False

    async def ensure(self, client: Any) -> None:
        """Return once the table exists, is ACTIVE and has the expected key schema.

        Raises:
            AdapterConfigurationError: missing with ``create_table`` off, or a different key schema.
            AdapterUnavailableError: it did not become ACTIVE within ``table_wait_timeout``.
        """
        if self._ready:
            return
        async with self._lock:
            if self._ready:
                return
            table = await self._describe(client)
            if table is None:
                if not self._config.create_table:
                    raise AdapterConfigurationError(
                        f"{BACKEND}: table {self._name!r} does not exist and create_table is false; "
                        f"create it (key schema pk S HASH, sk S RANGE; TTL attribute {EXPIRES!r}) "
                        "or set create_table=true"
                    )
                table = await self._create(client)
            self._check_schema(table)
            if table.get("TableStatus") != "ACTIVE":
                await self._wait_active(client)
            self._ready = True

    async def _describe(self, client: Any) -> dict[str, Any] | None:
        try:
            async with asyncio.timeout(self._config.operation_timeout):
                response = await client.describe_table(TableName=self._name)
        except Exception as exc:
            if error_code(exc) == "ResourceNotFoundException":
                return None
            raise
        return dict(response["Table"])

    async def _create(self, client: Any) -> dict[str, Any]:
        try:
            async with asyncio.timeout(self._config.operation_timeout):
                response = await client.create_table(
                    TableName=self._name,
                    KeySchema=KEY_SCHEMA,
                    AttributeDefinitions=ATTRIBUTES,
                    BillingMode="PAY_PER_REQUEST",
                )
        except Exception as exc:
            if error_code(exc) != "ResourceInUseException":  # another instance created it first
                raise
            described = await self._describe(client)
            if described is None:
                raise
            return described
        await self._wait_active(client)
        await self._enable_ttl(client)
        return dict(response["TableDescription"])

    async def _enable_ttl(self, client: Any) -> None:
        try:
            async with asyncio.timeout(self._config.operation_timeout):
                await client.update_time_to_live(
                    TableName=self._name, TimeToLiveSpecification={"Enabled": True, "AttributeName": EXPIRES}
                )
        except Exception as exc:
            if error_code(exc) != "ValidationException":  # already enabled (e.g. by another instance)
                raise

    async def _wait_active(self, client: Any) -> None:
        try:
            async with asyncio.timeout(self._config.table_wait_timeout):
                while True:
                    table = await self._describe(client)
                    if table is not None and table.get("TableStatus") == "ACTIVE":
                        return
                    await asyncio.sleep(_POLL_SECONDS)
        except TimeoutError as exc:
            raise AdapterUnavailableError(
                f"{BACKEND}: table {self._name!r} did not become ACTIVE within {self._config.table_wait_timeout:g}s"
            ) from exc

    def _check_schema(self, table: dict[str, Any]) -> None:
        schema = sorted((k["AttributeName"], k["KeyType"]) for k in table.get("KeySchema", []))
        if schema != sorted((k["AttributeName"], k["KeyType"]) for k in KEY_SCHEMA):
            raise AdapterConfigurationError(
                f"{BACKEND}: table {self._name!r} has key schema {schema}; this adapter needs "
                "pk (S, HASH) and sk (S, RANGE): use another table_name"
            )


__all__ = ["ATTRIBUTES", "KEY_SCHEMA", "TableKeeper"]
