"""Bounded-time calls: every backend call either finishes or fails in time.

:func:`deadline` turns a hang into :class:`AdapterUnavailableError` and maps the
driver's connection errors onto the stepkit error family, chaining the
original exception. A driver with its own error taxonomy (e.g. botocore's
error codes) passes ``translate=`` to map its exceptions itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

from stepkit.core.errors import AdapterError, AdapterUnavailableError

T = TypeVar("T")

DEFAULT_TIMEOUT = 5.0
"""Default per-operation timeout in seconds."""

UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (ConnectionError, OSError, EOFError)
"""Built-in exceptions that always mean "the backend is unreachable"."""

Translator = Callable[[Exception], AdapterError]
"""Maps a driver exception (never an ``AdapterError``, never a time-out) onto the stepkit error to raise."""


@asynccontextmanager
async def deadline(
    timeout: float,
    *,
    backend: str,
    operation: str,
    unavailable: tuple[type[BaseException], ...] = (),
    other: type[AdapterError] = AdapterError,
    translate: Translator | None = None,
) -> AsyncIterator[None]:
    """Run the block within ``timeout`` seconds, translating failures.

    * Running out of time (or a driver's ``TimeoutError``) raises
      :class:`AdapterUnavailableError`, whatever ``translate`` says.
    * :class:`AdapterError` passes through unchanged.
    * With ``translate``, every other ``Exception`` raises ``translate(exc)``
      (``unavailable`` and ``other`` are then unused).
    * Without it, ``unavailable`` exceptions (plus built-in connection errors)
      raise :class:`AdapterUnavailableError`, and any other ``Exception``
      raises ``other`` (default :class:`AdapterError`).

    The original exception is always chained as ``__cause__``; cancellation
    from outside is not translated.
    """
    try:
        async with asyncio.timeout(timeout):
            yield
    except AdapterError:
        raise
    except Exception as exc:
        if translate is not None and not isinstance(exc, TimeoutError):
            raise translate(exc) from exc
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
    translate: Translator | None = None,
) -> T:
    """Await ``awaitable`` under :func:`deadline` (same rules) and return its result."""
    async with deadline(timeout, backend=backend, operation=operation, unavailable=unavailable, translate=translate):
        return await awaitable
    raise AssertionError("unreachable")  # pragma: no cover


__all__ = ["DEFAULT_TIMEOUT", "UNAVAILABLE_ERRORS", "Translator", "deadline", "translate_error", "with_deadline"]
