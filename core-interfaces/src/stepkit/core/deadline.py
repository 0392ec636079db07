"""Bounded-time calls: every backend call either finishes or fails in time.

:func:`deadline` turns a hang into :class:`AdapterUnavailableError` and maps the
driver's connection errors onto the stepkit error family, chaining the
original exception.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import TypeVar

from stepkit.core.errors import AdapterError, AdapterUnavailableError

T = TypeVar("T")

DEFAULT_TIMEOUT = 5.0
"""Default per-operation timeout in seconds."""

UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (ConnectionError, OSError, EOFError)
"""Built-in exceptions that always mean "the backend is unreachable"."""


@asynccontextmanager
async def deadline(
    timeout: float,
    *,
    backend: str,
    operation: str,
    unavailable: tuple[type[BaseException], ...] = (),
    other: type[AdapterError] = AdapterError,
) -> AsyncIterator[None]:
    """Run the block within ``timeout`` seconds, translating failures.

    * Running out of time raises :class:`AdapterUnavailableError`.
    * ``unavailable`` exceptions (plus built-in connection errors) raise
      :class:`AdapterUnavailableError`.
    * :class:`AdapterError` passes through unchanged.
    * Any other ``Exception`` raises ``other`` (default :class:`AdapterError`).

    The original exception is always chained as ``__cause__``.
    """
    try:
        async with asyncio.timeout(timeout):
            yield
    except AdapterError:
        raise
    except Exception as exc:
        raise translate_error(
            exc, timeout, backend=backend, operation=operation, unavailable=unavailable, other=other
        ) from exc


def translate_error(
    exc: Exception,
    timeout: float,
    *,
    backend: str,
    operation: str,
    unavailable: tuple[type[BaseException], ...] = (),
    other: type[AdapterError] = AdapterError,
) -> AdapterError:
    """The stepkit error for ``exc`` by the rules of :func:`deadline` (not raised, not chained).

    For adapters that bound time by other means (e.g. one timer per pipelined
    batch) and only need the translation; raise the result ``from exc``. An
    :class:`AdapterError` is returned unchanged.
    """
    if isinstance(exc, AdapterError):
        return exc
    if isinstance(exc, TimeoutError):
        return AdapterUnavailableError(f"{backend}: {operation} did not complete within {timeout:g}s")
    if isinstance(exc, (*UNAVAILABLE_ERRORS, *unavailable)):
        return AdapterUnavailableError(f"{backend}: {operation} failed, backend unreachable: {exc!r}")
    return other(f"{backend}: {operation} failed: {exc!r}")


async def with_deadline(
    awaitable: Awaitable[T],
    timeout: float,
    *,
    backend: str,
    operation: str,
    unavailable: tuple[type[BaseException], ...] = (),
) -> T:
    """Await ``awaitable`` under :func:`deadline` and return its result."""
    async with deadline(timeout, backend=backend, operation=operation, unavailable=unavailable):
        return await awaitable
    raise AssertionError("unreachable")  # pragma: no cover


__all__ = ["DEFAULT_TIMEOUT", "UNAVAILABLE_ERRORS", "deadline", "translate_error", "with_deadline"]
