"""One lazily opened aioboto3 DynamoDB client, bounded calls, and the table it needs.

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

import aioboto3  # type: ignore[import-untyped]
from aiobotocore.config import AioConfig  # type: ignore[import-untyped]

from stepkit.adapters.dynamodb_state.config import DynamoDBStateConfig
from stepkit.adapters.dynamodb_state.errors import BACKEND, error_code, translate
from stepkit.adapters.dynamodb_state.table import TableKeeper
from stepkit.core.connection import LazyConnection

T = TypeVar("T")
Client = Any
"""An aiobotocore DynamoDB client (untyped: aiobotocore ships no type information)."""

_DUMMY_KEY = "stepkit-local"


def client_settings(config: DynamoDBStateConfig) -> dict[str, Any]:
    """Keyword arguments of ``session.client("dynamodb", ...)`` for ``config``."""
    return {
        "endpoint_url": config.url,
        "config": AioConfig(
            connect_timeout=min(config.connect_timeout, config.operation_timeout),
            read_timeout=config.operation_timeout,
            retries={"max_attempts": 3, "mode": "standard"},
            max_pool_connections=64,
        ),
    }


def make_session(config: DynamoDBStateConfig) -> aioboto3.Session:
    """An aioboto3 session with the configured region and keys (dummy keys for a local endpoint)."""
    key_id = config.aws_access_key_id
    secret = config.aws_secret_access_key.get_secret_value() if config.aws_secret_access_key else None
    if config.url is not None and key_id is None and secret is None:
        key_id, secret = _DUMMY_KEY, _DUMMY_KEY
    return aioboto3.Session(aws_access_key_id=key_id, aws_secret_access_key=secret, region_name=config.region)


class DynamoDBConnection:
    """The adapter's client and table, opened on first use; every call is bounded and translated."""

    def __init__(self, config: DynamoDBStateConfig) -> None:
        self.config = config
        self.table_name = config.table_name
        self._timeout = config.operation_timeout
        self._session = make_session(config)
        self._connection: LazyConnection[Client] = LazyConnection(
            self._connect, self._disconnect, backend=BACKEND, connect_timeout=config.operation_timeout
        )
        self._table = TableKeeper(config)

    async def _connect(self) -> Client:
        return await self._session.client("dynamodb", **client_settings(self.config)).__aenter__()

    @staticmethod
    async def _disconnect(client: Client) -> None:
        await client.close()

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
                client = await self._connection.get()
                await self._table.ensure(client)
                async with asyncio.timeout(self._timeout):
                    return await fn(client)
            except Exception as exc:
                if attempt == 1 and error_code(exc) == "ResourceNotFoundException":
                    self._table.forget()
                    continue
                error = translate(exc, operation, self._timeout)
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
        await self._connection.close()


__all__ = ["Client", "DynamoDBConnection", "client_settings", "make_session"]
