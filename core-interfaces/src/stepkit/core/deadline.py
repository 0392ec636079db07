"""Bounded-time calls: every backend call either finishes or fails in time.

:func:`deadline` turns a hang into :class:`AdapterUnavailableError` and maps the
driver's connection errors onto the stepkit error family, chaining the
original exception. A driver with its own error taxonomy (e.g. botocore's
error codes) passes ``translate=`` to map its exceptions itself.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from types import TracebackType
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


class SharedDeadline:
    """``asyncio.timeout(timeout)`` for many concurrent calls, with one timer for all of them.

    ``async with shared.bound():`` runs its block within ``timeout`` seconds
    (the constructor's, the same for every call): when time runs out the task
    is cancelled and the block raises :class:`TimeoutError`, exactly like
    ``asyncio.timeout`` (cancellation from outside stays a cancellation). It is
    cheaper on hot paths: every call's expiry comes ``timeout`` after its start,
    so expiries are ordered and one timer, set for the oldest running call,
    serves them all instead of a timer per call. Combine with
    :func:`translate_error` to get the stepkit errors of :func:`deadline`.
    Expiry is checked no later than the oldest running call's due time, so no
    call runs longer than ``timeout`` (plus event-loop lag, as with any timer).
    """

    __slots__ = ("_loop", "_running", "_timer", "timeout")

    def __init__(self, timeout: float) -> None:
        if not timeout > 0:
            raise ValueError(f"SharedDeadline timeout must be a positive number of seconds; got {timeout!r}")
        self.timeout = timeout
        self._running: deque[_Bound] = deque()
        self._timer: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def bound(self) -> _Bound:
        """A one-use async context manager bounding its block by ``timeout``."""
        return _Bound(self)

    def _enter(self, call: _Bound) -> None:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # first use, or a new event loop: nothing of the old one runs here
            self._loop = loop
            self._running.clear()
            self._timer = None
        call.when = loop.time() + self.timeout
        self._running.append(call)
        if self._timer is None:
            self._timer = loop.call_at(call.when, self._expire)

    def _leave(self) -> None:
        running = self._running
        while running and running[0].task is None:
            running.popleft()

    def _expire(self) -> None:
        loop = self._loop
        assert loop is not None
        self._timer = None
        running = self._running
        now = loop.time()
        while running:
            head = running[0]
            if head.task is not None:
                if head.when > now:
                    self._timer = loop.call_at(head.when, self._expire)
                    return
                head.expired = True
                head.task.cancel()
                head.task = None
            running.popleft()


class _Bound:
    """One call under a :class:`SharedDeadline` (see there)."""

    __slots__ = ("cancelling", "expired", "shared", "task", "when")

    def __init__(self, shared: SharedDeadline) -> None:
        self.shared = shared
        self.task: asyncio.Task[object] | None = None
        self.when = 0.0
        self.expired = False
        self.cancelling = 0

    async def __aenter__(self) -> None:
        task = asyncio.current_task()
        if task is None:
            raise RuntimeError("SharedDeadline.bound() must be used inside a task")
        if self.task is not None or self.expired:
            raise RuntimeError("this SharedDeadline.bound() context is already entered (use a new bound() per call)")
        self.task = task
        self.cancelling = task.cancelling()
        self.shared._enter(self)

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        task = self.task
        if task is not None:  # finished in time: leave the queue
            self.task = None
            self.shared._leave()
            return
        if self.expired and exc_type is not None:
            # The same rule as asyncio.timeout: our cancellation becomes TimeoutError,
            # one from outside (counted on top of ours) stays a cancellation.
            current = asyncio.current_task()
            assert current is not None
            if current.uncancel() <= self.cancelling and issubclass(exc_type, asyncio.CancelledError):
                raise TimeoutError(f"did not complete within {self.shared.timeout:g}s") from exc
        elif self.expired:
            current = asyncio.current_task()
            assert current is not None
            current.uncancel()


__all__ = [
    "DEFAULT_TIMEOUT",
    "UNAVAILABLE_ERRORS",
    "SharedDeadline",
    "Translator",
    "deadline",
    "translate_error",
    "with_deadline",
]
