"""``ManagedProcess``: one server process in its own process group, with signal-based faults."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..reaper import reaper
from . import proctree


class ManagedProcess:
    """Launches ``argv`` in a new session (its own process group), logging to ``log_path``.

    ``freeze``/``thaw`` stop and resume every process of the server (its descendants, group and
    session; see ``proctree``), so wrapper scripts, the Erlang VM and PostgreSQL backends (which
    each run in their own session) are paused and resumed together. ``terminate`` resumes them,
    sends ``stop_signal`` to the group, waits up to ``grace`` seconds for every process of the
    server to exit, then SIGKILLs what remains. A launched process is registered with the
    ``reaper`` until ``terminate`` returns, so it is killed even when the test run is.
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
        reaper().track_process(self._popen.pid)

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

    def freeze(self) -> None:
        """Stop every process of the server (SIGSTOP to a fixed point); returns once all are stopped."""
        if self.alive() and self._popen is not None:
            proctree.freeze(self._popen.pid)

    def thaw(self) -> None:
        """Resume every process of the server (SIGCONT)."""
        if self._popen is not None:
            proctree.thaw(self._popen.pid)

    def terminate(self, grace: float = 15.0) -> None:
        """Stop the server (``stop_signal``, then SIGKILL after ``grace``); returns once every process is gone."""
        if self._popen is None:
            return
        pgid = self._popen.pid
        members = proctree.signal_family(pgid, signal.SIGCONT)
        self.signal(self.stop_signal)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and (self._group_exists(pgid) or proctree.alive(members)):
            self._popen.poll()
            time.sleep(0.05)
        kill_deadline = time.monotonic() + 5.0
        while (self._group_exists(pgid) or proctree.alive(members)) and time.monotonic() < kill_deadline:
            members.update(proctree.signal_family(pgid, signal.SIGKILL))
            proctree.signal_known(members, signal.SIGKILL)
            self._popen.poll()
            time.sleep(0.05)
        try:
            self._popen.wait(timeout=5)
        except subprocess.TimeoutExpired as exc:
            raise RuntimeError(f"{self.argv[0]} (pid {pgid}) survived SIGKILL") from exc
        self._popen = None
        reaper().untrack_process(pgid)

    def log_tail(self, lines: int = 40) -> str:
        """The last ``lines`` lines of the log, for error messages."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError as exc:
            return f"(no log: {exc})"
        return "\n".join(text.splitlines()[-lines:])
