"""How Redis driver failures map onto the stepkit error family."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager

from redis import exceptions as rx

from stepkit.core.deadline import deadline

BACKEND = "redis"

UNAVAILABLE: tuple[type[BaseException], ...] = (
    rx.ConnectionError,  # includes BusyLoadingError and AuthenticationError's siblings
    rx.TimeoutError,
    rx.BusyLoadingError,
    rx.ReadOnlyError,  # talking to a replica after failover
    rx.TryAgainError,
    rx.MasterDownError,
)
"""Driver exceptions that mean "Redis is unreachable or not serving right now"."""


def redis_deadline(timeout: float, operation: str) -> AbstractAsyncContextManager[None]:
    """Bound a Redis operation in time and translate its failures.

    Time-outs and :data:`UNAVAILABLE` errors become ``AdapterUnavailableError``;
    any other driver error becomes ``AdapterError``; the driver's exception is
    chained. See :func:`stepkit.core.deadline.deadline`.
    """
    return deadline(timeout, backend=BACKEND, operation=operation, unavailable=UNAVAILABLE)


__all__ = ["BACKEND", "UNAVAILABLE", "redis_deadline"]
