"""A private event loop on a background thread, driven from synchronous tests.

Adapters' background tasks (consumers, heartbeats, lock refreshers) keep
running between the steps of a Hypothesis state machine because the loop
never stops while the test lives. Every call is bounded: a coroutine that does
not finish within its timeout is cancelled and reported as a hang.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class HangError(AssertionError):
    """An operation did not finish within the scenario's bound (the adapter hung)."""


class UntranslatedTimeoutError(AssertionError):
    """The coroutine raised a builtin ``TimeoutError``: an adapter leaked its driver's timeout
    instead of raising ``AdapterUnavailableError`` (not a hang of the scenario)."""


class LoopThread:
    """One event loop running forever on a daemon thread until :meth:`stop`."""

    def __init__(self, name: str = "stepkit-conformance-loop") -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float, what: str = "scenario") -> T:
        """Run ``coro`` on the loop and return its result.

        Raises:
            HangError: it did not finish within ``timeout`` seconds (it is cancelled).
            UntranslatedTimeoutError: it raised a builtin ``TimeoutError`` (an adapter leaked one).
        """
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        done, _ = concurrent.futures.wait([future], timeout)
        if not done:
            future.cancel()
            raise HangError(f"{what} did not finish within {timeout:g}s: an adapter operation hung")
        try:
            return future.result()
        except TimeoutError as exc:
            # On Python >= 3.11 concurrent.futures.TimeoutError and asyncio.TimeoutError *are* the
            # builtin: this one was raised inside the coroutine, not by the bound above.
            raise UntranslatedTimeoutError(
                f"{what}: the adapter raised an untranslated TimeoutError ({exc!r}); an adapter must "
                "turn its driver's timeouts into AdapterUnavailableError (see stepkit.core.deadline)"
            ) from exc

    def stop(self) -> None:
        """Cancel leftover tasks, stop the loop and join the thread. Idempotent."""
        if self.loop.is_closed():
            return

        async def cancel_rest() -> None:
            current = asyncio.current_task()
            rest = [t for t in asyncio.all_tasks() if t is not current]
            for task in rest:
                task.cancel()
            await asyncio.wait(rest, timeout=5) if rest else None

        try:
            asyncio.run_coroutine_threadsafe(cancel_rest(), self.loop).result(10)
        except (concurrent.futures.TimeoutError, RuntimeError):
            pass
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        if not self._thread.is_alive():
            self.loop.close()


__all__ = ["HangError", "LoopThread", "UntranslatedTimeoutError"]
