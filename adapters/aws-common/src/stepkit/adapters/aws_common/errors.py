"""How botocore/aiobotocore failures map onto the stepkit error family.

Raw driver exceptions never leave an AWS adapter: wrap each call in
:func:`aws_deadline` (bounded time + translation), or translate a caught
exception with :func:`translate` and raise the result ``from`` it.

Rules (first match wins):

* an :class:`AdapterError` passes through unchanged;
* running out of time, connection errors (refused, reset, DNS, read timeout,
  any aiohttp transport error) and the :data:`UNAVAILABLE_CODES` (throttling,
  5xx) become :class:`AdapterUnavailableError`;
* :data:`CONFIGURATION_CODES` (credentials, signatures, IAM) and missing
  credentials or region become :class:`AdapterConfigurationError`;
* anything else becomes :class:`AdapterError` (``other``).

Use :func:`error_code` / :func:`is_not_found` to react to specific AWS codes
(e.g. re-create a queue that vanished) *before* translating.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from botocore.exceptions import (  # type: ignore[import-untyped]
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
    HTTPClientError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ReadTimeoutError,
)
from botocore.exceptions import ConnectionError as BotoConnectionError

from stepkit.core.deadline import UNAVAILABLE_ERRORS, deadline
from stepkit.core.errors import AdapterConfigurationError, AdapterError, AdapterUnavailableError

UNAVAILABLE_CODES: frozenset[str] = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "ThrottledException",
        "RequestThrottled",
        "RequestLimitExceeded",
        "ProvisionedThroughputExceededException",
        "LimitExceededException",
        "KMSThrottlingException",
        "AWS.SimpleQueueService.RequestThrottled",
        "InternalError",
        "InternalFailure",
        "InternalServerError",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "RequestTimeout",
        "RequestTimeoutException",
    }
)
"""AWS error codes meaning "the service cannot serve this right now" (after botocore's retries)."""

CONFIGURATION_CODES: frozenset[str] = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "AuthorizationError",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "MissingAuthenticationToken",
        "MissingAuthenticationTokenException",
        "ExpiredToken",
        "ExpiredTokenException",
        "OptInRequired",
    }
)
"""AWS error codes meaning the client's settings (credentials, IAM permissions) are wrong."""

NOT_FOUND_CODES: frozenset[str] = frozenset(
    {
        "NotFound",
        "NotFoundException",
        "ResourceNotFoundException",
        "QueueDoesNotExist",
        "AWS.SimpleQueueService.NonExistentQueue",
    }
)
"""AWS error codes meaning the named resource (queue, topic, table) does not exist."""

TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (
    EndpointConnectionError,
    BotoConnectionError,
    ConnectionClosedError,
    ReadTimeoutError,
    HTTPClientError,
    *UNAVAILABLE_ERRORS,
)
"""Driver exception types that mean the endpoint is unreachable."""


def error_code(exc: BaseException) -> str:
    """The AWS error code of a ``ClientError`` (``""`` for anything else)."""
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return ""


def is_not_found(exc: BaseException) -> bool:
    """True when ``exc`` says the named resource does not exist (:data:`NOT_FOUND_CODES`)."""
    return error_code(exc) in NOT_FOUND_CODES


def is_transport_error(exc: BaseException) -> bool:
    """True for connection-level failures: :data:`TRANSPORT_ERRORS` or any aiohttp exception."""
    return isinstance(exc, TRANSPORT_ERRORS) or type(exc).__module__.startswith("aiohttp")


def translate(
    exc: BaseException,
    *,
    backend: str,
    operation: str,
    timeout: float,
    other: type[AdapterError] = AdapterError,
) -> AdapterError:
    """The stepkit error for ``exc`` raised by ``operation`` (returned, not raised, not chained).

    ``backend`` names the service in the message (``"sqs"``, ``"dynamodb"``).
    """
    if isinstance(exc, AdapterError):
        return exc
    if isinstance(exc, TimeoutError):
        return AdapterUnavailableError(f"{backend}: {operation} did not complete within {timeout:g}s")
    if is_transport_error(exc):
        return AdapterUnavailableError(f"{backend}: {operation} failed, endpoint unreachable: {exc!r}")
    code = error_code(exc)
    if code in UNAVAILABLE_CODES:
        return AdapterUnavailableError(f"{backend}: {operation} failed, service busy or failing ({code}): {exc}")
    if code in CONFIGURATION_CODES:
        return AdapterConfigurationError(f"{backend}: {operation} refused ({code}), check credentials/IAM: {exc}")
    if isinstance(exc, (NoCredentialsError, PartialCredentialsError, NoRegionError)):
        return AdapterConfigurationError(f"{backend}: {operation}: the AWS client is not configured: {exc}")
    if isinstance(exc, (ClientError, BotoCoreError)):
        return other(f"{backend}: {operation} failed: {exc}")
    return other(f"{backend}: {operation} failed: {exc!r}")


@asynccontextmanager
async def aws_deadline(
    timeout: float,
    *,
    backend: str,
    operation: str,
    other: type[AdapterError] = AdapterError,
) -> AsyncIterator[None]:
    """Run the block within ``timeout`` seconds; translate every failure by :func:`translate`.

    :func:`stepkit.core.deadline.deadline` with AWS's translation: a time-out raises
    ``AdapterUnavailableError``, the driver's exception is chained as ``__cause__``,
    and cancellation from outside is not translated.
    """

    def by_aws_rules(exc: Exception) -> AdapterError:
        return translate(exc, backend=backend, operation=operation, timeout=timeout, other=other)

    async with deadline(timeout, backend=backend, operation=operation, translate=by_aws_rules):
        yield


__all__ = [
    "CONFIGURATION_CODES",
    "NOT_FOUND_CODES",
    "TRANSPORT_ERRORS",
    "UNAVAILABLE_CODES",
    "aws_deadline",
    "error_code",
    "is_not_found",
    "is_transport_error",
    "translate",
]
