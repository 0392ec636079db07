"""Lazily opened aioboto3 clients whose every call is bounded in time and translated.

One :class:`AwsClient` per AWS service an adapter talks to::

    sqs = AwsClient(settings, "sqs", backend="sqs")
    reply = await sqs.call("send message", "send_message", QueueUrl=url, MessageBody=body)
    await sqs.close()

* Nothing connects in the constructor (safe in a conformance factory or a
  child process); the client is created on the first call.
* Every :meth:`AwsClient.call` finishes within ``operation_timeout`` (or the
  ``timeout`` given) or raises ``AdapterUnavailableError``; botocore's own
  connect/read timeouts and retries (:func:`botocore_config`) sit inside
  that bound.
* Failures are stepkit errors with the botocore exception chained
  (:mod:`stepkit.adapters.aws_common.errors`). The client keeps working
  after the endpoint comes back: botocore reopens pooled connections itself.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from typing import Any

import aioboto3  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]

from stepkit.adapters.aws_common.config import AwsSettings
from stepkit.adapters.aws_common.errors import aws_deadline
from stepkit.core.connection import LazyConnection
from stepkit.core.errors import AdapterError

_SESSIONS: dict[str, Any] = {}


def shared_session(region: str) -> Any:
    """The process' ``aioboto3.Session`` for ``region``, shared by every :class:`AwsClient`.

    A session caches the service models it loaded, so clients after the first
    are created in milliseconds instead of tens of milliseconds (which would
    otherwise count against the first operation's timeout). Credentials are
    passed per client, never stored in the shared session.
    """
    session = _SESSIONS.get(region)
    if session is None:
        session = _SESSIONS[region] = aioboto3.Session(region_name=region)
    return session


def botocore_config(settings: AwsSettings, *, read_timeout: float | None = None, pool_size: int = 10) -> Config:
    """botocore settings for one client: bounded connect/read timeouts, standard retries.

    ``read_timeout`` defaults to ``operation_timeout``; pass a longer one for
    long polls (e.g. SQS ``WaitTimeSeconds``). ``pool_size`` is the number of
    HTTP connections kept open to the endpoint.
    """
    return Config(
        region_name=settings.region,
        connect_timeout=min(settings.connect_timeout, settings.operation_timeout),
        read_timeout=read_timeout if read_timeout is not None else settings.operation_timeout,
        retries={"max_attempts": settings.max_attempts, "mode": "standard"},
        max_pool_connections=pool_size,
    )


class AwsClient:
    """One lazily created aiobotocore client of ``service`` (``"sqs"``, ``"sns"``, ``"dynamodb"``...).

    ``backend`` names the service in error messages. ``read_timeout`` and
    ``pool_size`` go to :func:`botocore_config`.
    """

    def __init__(
        self,
        settings: AwsSettings,
        service: str,
        *,
        backend: str | None = None,
        read_timeout: float | None = None,
        pool_size: int = 10,
    ) -> None:
        self.settings = settings
        self.service = service
        self.backend = backend or service
        self._config = botocore_config(settings, read_timeout=read_timeout, pool_size=pool_size)
        self._credentials = settings.credentials()
        self._stacks: dict[int, AsyncExitStack] = {}
        self._connection: LazyConnection[Any] = LazyConnection(
            self._open, self._close_client, backend=self.backend, connect_timeout=settings.operation_timeout
        )

    async def _open(self) -> Any:
        stack = AsyncExitStack()
        client = await stack.enter_async_context(
            shared_session(self.settings.region).client(
                self.service, endpoint_url=self.settings.url, config=self._config, **self._credentials
            )
        )
        self._stacks[id(client)] = stack
        return client

    async def _close_client(self, client: Any) -> None:
        stack = self._stacks.pop(id(client), None)
        if stack is not None:
            await stack.aclose()

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called."""
        return self._connection.closed

    async def get(self) -> Any:
        """The open aiobotocore client (created on first use).

        Raises:
            AdapterClosedError: after :meth:`close`.
        """
        return await self._connection.get()

    async def call(
        self,
        operation: str,
        method: str,
        /,
        *,
        timeout: float | None = None,
        other: type[AdapterError] = AdapterError,
        **params: Any,
    ) -> dict[str, Any]:
        """``await client.<method>(**params)`` within ``timeout`` (default ``operation_timeout``).

        ``operation`` describes the call in error messages ("publish to 'orders'").

        Raises:
            AdapterUnavailableError: out of time, endpoint unreachable, throttled.
            AdapterConfigurationError: credentials or permissions refused.
            AdapterError: (or ``other``) any other AWS error, botocore's chained.
        """
        bound = self.settings.operation_timeout if timeout is None else timeout
        async with aws_deadline(bound, backend=self.backend, operation=operation, other=other):
            client = await self.get()
            reply: dict[str, Any] = await getattr(client, method)(**params)
            return reply
        raise AssertionError("unreachable")  # pragma: no cover

    async def invalidate(self) -> None:
        """Drop the client; the next call creates a fresh one (fresh connection pool)."""
        await self._connection.invalidate()

    async def close(self) -> None:
        """Close the client and its connections; idempotent. Later calls raise ``AdapterClosedError``."""
        await self._connection.close()


__all__ = ["AwsClient", "botocore_config", "shared_session"]
