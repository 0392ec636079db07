"""``ManagedProcess``: one server process in its own process group, with signal-based faults."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path


class ManagedProcess:
    """Launches ``argv`` in a new session (its own process group), logging to ``log_path``.

    Signals go to the whole group, so wrapper scripts and their children (e.g. RabbitMQ's
    Erlang VM) are paused, resumed and stopped together. ``terminate`` sends ``stop_signal``,
    waits up to ``grace`` seconds for the group to vanish, then SIGKILLs what remains.
    """

    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        log_path: Path,
        cwd: Path | None = None,
        user: str | None = None,
        stop_signal: signal.Signals = signal.SIGTERM,
    ) -> None:
        self.argv = list(argv)
        self.env = dict(env)
        self.log_path = log_path
        self.cwd = cwd
        self.user = user
        self.stop_signal = stop_signal
        self._popen: subprocess.Popen[bytes] | None = None

    def launch(self) -> None:
        """Start the process (a new one after ``terminate``), appending its output to the log."""
        with self.log_path.open("ab") as log:
            self._popen = subprocess.Popen(
                self.argv,
                env=self.env,
                cwd=self.cwd,
                user=self.user,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int | None:
        """The leader's pid while launched."""
        return None if self._popen is None else self._popen.pid

    def alive(self) -> bool:
        """Whether the group leader is still running."""
        return self._popen is not None and self._popen.poll() is None

    def _group_exists(self, pgid: int) -> bool:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def signal(self, sig: signal.Signals) -> None:
        """Send ``sig`` to the whole process group; nothing when it is gone."""
        if self._popen is None:
            return
        try:
            os.killpg(self._popen.pid, sig)
        except ProcessLookupError:
            pass

    def terminate(self, grace: float = 15.0) -> None:
        """Stop the group (``stop_signal``, then SIGKILL after ``grace``); returns once it is gone."""
        if self._popen is None:
            return
        pgid = self._popen.pid
        self.signal(signal.SIGCONT)
        self.signal(self.stop_signal)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and self._group_exists(pgid):
            self._popen.poll()
            time.sleep(0.05)
        kill_deadline = time.monotonic() + 5.0
        while self._group_exists(pgid) and time.monotonic() < kill_deadline:
            self.signal(signal.SIGKILL)
            self._popen.poll()
            time.sleep(0.05)
        try:
            self._popen.wait(timeout=5)
        except subprocess.TimeoutExpired as exc:
            raise RuntimeError(f"{self.argv[0]} (pid {pgid}) survived SIGKILL") from exc
        self._popen = None

    def log_tail(self, lines: int = 40) -> str:
        """The last ``lines`` lines of the log, for error messages."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError as exc:
            return f"(no log: {exc})"
        return "\n".join(text.splitlines()[-lines:])
