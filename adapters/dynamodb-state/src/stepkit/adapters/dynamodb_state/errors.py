"""Mapping botocore failures onto the stepkit error family.

Raw botocore/aiohttp exceptions never leave the adapter: each is translated
here and chained as ``__cause__`` by the caller.
"""

from __future__ import annotations

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
from botocore.exceptions import (
    ConnectionError as BotoConnectionError,
)

from stepkit.core.deadline import UNAVAILABLE_ERRORS
from stepkit.core.errors import AdapterConfigurationError, AdapterError, AdapterUnavailableError

BACKEND = "dynamodb"

UNAVAILABLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "InternalFailure",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "LimitExceededException",
    }
)
"""Error codes meaning "the service cannot serve this now" (after botocore's own retries)."""

CONFIGURATION_CODES = frozenset(
    {
        "AccessDeniedException",
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "MissingAuthenticationTokenException",
        "ResourceNotFoundException",
    }
)
"""Error codes meaning the adapter's settings (credentials, IAM, table) are wrong."""

_UNAVAILABLE_TYPES: tuple[type[BaseException], ...] = (
    EndpointConnectionError,
    BotoConnectionError,
    ConnectionClosedError,
    ReadTimeoutError,
    HTTPClientError,
    TimeoutError,
    *UNAVAILABLE_ERRORS,
)


def error_code(exc: BaseException) -> str:
    """The AWS error code of a ``ClientError`` (``""`` for anything else)."""
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", ""))
    return ""


def translate(exc: BaseException, operation: str, timeout: float) -> AdapterError:
    """The stepkit error for ``exc`` raised by ``operation`` (not raised, not chained)."""
    if isinstance(exc, AdapterError):
        return exc
    if isinstance(exc, TimeoutError):
        return AdapterUnavailableError(f"{BACKEND}: {operation} did not complete within {timeout:g}s")
    if isinstance(exc, _UNAVAILABLE_TYPES):
        return AdapterUnavailableError(f"{BACKEND}: {operation} failed, backend unreachable: {exc!r}")
    code = error_code(exc)
    if code in UNAVAILABLE_CODES:
        return AdapterUnavailableError(f"{BACKEND}: {operation} failed, service busy or failing ({code}): {exc}")
    if code in CONFIGURATION_CODES:
        return AdapterConfigurationError(f"{BACKEND}: {operation} refused ({code}): {exc}")
    if isinstance(exc, (NoCredentialsError, PartialCredentialsError, NoRegionError)):
        return AdapterConfigurationError(f"{BACKEND}: {operation}: client is not configured: {exc}")
    if isinstance(exc, (ClientError, BotoCoreError)):
        return AdapterError(f"{BACKEND}: {operation} failed: {exc}")
    # aiohttp's client errors (and anything else from the transport) mean the backend is unreachable.
    if type(exc).__module__.startswith("aiohttp"):
        return AdapterUnavailableError(f"{BACKEND}: {operation} failed, backend unreachable: {exc!r}")
    return AdapterError(f"{BACKEND}: {operation} failed: {exc!r}")


__all__ = ["BACKEND", "CONFIGURATION_CODES", "UNAVAILABLE_CODES", "error_code", "translate"]
