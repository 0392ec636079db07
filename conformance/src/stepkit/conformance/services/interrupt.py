"""SIGTERM ends a test run the way Ctrl-C does, so its servers are stopped by its own teardown."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"stopped by signal {signal.Signals(signum).name}")


def interrupt_on_sigterm() -> Callable[[], None]:
    """Make SIGTERM raise ``KeyboardInterrupt`` in the main thread; return a function restoring
    the previous handler.

    CI cancelling a job and ``timeout`` send SIGTERM, whose default action kills the process on the
    spot. As a ``KeyboardInterrupt`` pytest tears fixtures down, closes the service provider
    (unpausing and stopping its servers) and writes its reports. Only a default handler is
    replaced, and only from the main thread; the reaper still removes whatever a run leaves.
    """
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return lambda: None
    signal.signal(signal.SIGTERM, _interrupt)

    def restore() -> None:
        if signal.getsignal(signal.SIGTERM) is _interrupt and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, signal.SIG_DFL)

    return restore
