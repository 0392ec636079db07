"""The adapter's DynamoDB client (from stepkit-aws-common), bounded calls, and the table they need.

:meth:`DynamoDBConnection.call` runs one DynamoDB request (or a short
sequence) within ``operation_timeout``, translating every failure into the
stepkit error family. Before the first call, and again whenever DynamoDB says
the table does not exist (a moto restart wipes everything), it makes sure the
table exists: it creates it when ``create_table`` is on, or raises
``AdapterConfigurationError`` when it is off.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from stepkit.adapters.aws_common import AwsClient, is_not_found, translate
from stepkit.adapters.dynamodb_state.config import BACKEND, DynamoDBStateConfig
from stepkit.adapters.dynamodb_state.table import TableKeeper
from stepkit.core.errors import AdapterUnavailableError

T = TypeVar("T")
Client = Any
"""An aiobotocore DynamoDB client (untyped: aiobotocore ships no type information)."""

POOL_SIZE = 64
"""HTTP connections kept open to the endpoint (concurrent calls of one adapter)."""


class DynamoDBConnection:
    """The adapter's client and table, opened on first use; every call is bounded and translated."""

    def __init__(self, config: DynamoDBStateConfig) -> None:
        self.config = config
        self.table_name = config.table_name
        self._timeout = config.operation_timeout
        self._aws = AwsClient(config, "dynamodb", backend=BACKEND, pool_size=POOL_SIZE)
        self._table = TableKeeper(config)
        self.generation = 0
        """Rises whenever the table was found missing or DynamoDB was unreachable.

        Whatever an instance remembers about the table's contents (the group
        index cache) is only valid within one generation: a restarted moto, or
        a re-created table, has lost it.
        """

    async def call(self, operation: str, fn: Callable[[Client], Awaitable[T]]) -> T:
        """Run ``fn(client)`` within the operation timeout, on an existing table.

        ``fn`` handles the error codes it expects (e.g. a failed condition);
        anything else becomes an ``AdapterError`` subclass with the cause
        chained. A missing table is (re)created once and ``fn`` retried.

        Raises:
            AdapterUnavailableError: DynamoDB is unreachable, too slow or busy.
            AdapterConfigurationError: the table is missing and ``create_table`` is off,
                or credentials/permissions are refused.
        """
        for attempt in (1, 2):
            try:
                client = await self._aws.get()
                await self._table.ensure(client)
                async with asyncio.timeout(self._timeout):
                    return await fn(client)
            except Exception as exc:
                if is_not_found(exc):
                    self.generation += 1
                    if attempt == 1:
                        self._table.forget()
                        continue
                error = translate(exc, backend=BACKEND, operation=operation, timeout=self._timeout)
                if isinstance(error, AdapterUnavailableError):
                    self.generation += 1
                if error is exc:
                    raise
                raise error from exc
        raise AssertionError("unreachable")  # pragma: no cover

    async def ping(self) -> bool:
        """True when DynamoDB answers (and the table exists) within the timeout. Never raises."""
        try:
            await self.call("health check", lambda c: c.describe_table(TableName=self.table_name))
        except Exception:  # noqa: BLE001 - a health check reports, it never raises
            return False
        return True

    async def close(self) -> None:
        """Close the client; idempotent."""
        await self._aws.close()


__all__ = ["POOL_SIZE", "Client", "DynamoDBConnection"]
