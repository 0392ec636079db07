"""A watcher process that removes the kit's servers when the process that started them dies.

``atexit`` handlers run on a normal exit and after Ctrl-C, but not when the test run is killed:
SIGTERM (CI cancelling a job, ``timeout``), SIGKILL, or ``os._exit`` (pytest-timeout's thread
method). Ryuk, testcontainers' own reaper, cannot be pulled without a registry, so the kit brings
its own: the first server started in a process spawns ``python -m stepkit.conformance.services.reaper``
in its own session, connected by a pipe. The parent writes what it starts and what it removes
(``proc PID START``, ``path DIR``, ``docker SESSION`` and their ``un...`` forms) to the pipe. When
the pipe closes — the parent exited, however it died — the watcher resumes and kills every
process of each server still registered (their whole family, see ``local.proctree``), deletes the
registered directories and removes the containers labelled ``org.testcontainers=true`` and
``stepkit.conformance.session=SESSION``, then exits. After a clean close nothing is registered
and the watcher just exits.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from typing import IO, Final

from .local import proctree

_KILL_BOUND: Final = 10.0


class Reaper:
    """The parent's end of the watcher: registers and unregisters what must not outlive it.

    Thread-safe. The watcher is spawned on first use, again after a fork. Registration never
    raises: when the watcher cannot be started, the ``atexit`` clean-up still applies.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pipe: IO[str] | None = None
        self._process: subprocess.Popen[str] | None = None
        self._owner = 0

    def _send(self, line: str) -> None:
        with self._lock:
            if self._owner != os.getpid():
                self._pipe, self._process, self._owner = None, None, os.getpid()
            try:
                if self._pipe is None:
                    self._process = subprocess.Popen(
                        [sys.executable, "-m", "stepkit.conformance.services.reaper", str(os.getpid())],
                        stdin=subprocess.PIPE,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                        start_new_session=True,
                        text=True,
                    )
                    self._pipe = self._process.stdin
                if self._pipe is not None:
                    self._pipe.write(line + "\n")
                    self._pipe.flush()
            except OSError:
                self._pipe = None

    def track_process(self, pid: int) -> None:
        """Kill ``pid`` and every process of its family if this process dies first."""
        info = proctree.read_process(pid) if proctree.have_proc() else None
        self._send(f"proc {pid} {info.start if info is not None else 0}")

    def untrack_process(self, pid: int) -> None:
        """``pid`` was stopped by its owner."""
        self._send(f"unproc {pid}")

    def track_path(self, path: str) -> None:
        """Delete the directory ``path`` if this process dies first."""
        self._send(f"path {path}")

    def untrack_path(self, path: str) -> None:
        """``path`` was removed by its owner."""
        self._send(f"unpath {path}")

    def track_containers(self, session: str) -> None:
        """Remove the containers labelled with ``session`` if this process dies first."""
        self._send(f"docker {session}")

    def untrack_containers(self, session: str) -> None:
        """The containers of ``session`` were removed by their owner."""
        self._send(f"undocker {session}")

    @property
    def watcher_pid(self) -> int | None:
        """The watcher's pid once it was spawned (for tests)."""
        return None if self._process is None else self._process.pid


_REAPER = Reaper()


def reaper() -> Reaper:
    """The process-wide ``Reaper``."""
    return _REAPER


# -- the watcher side ------------------------------------------------------------------------------
def _kill_server(pid: int, start: int) -> None:
    if not proctree.have_proc():
        for sig in (signal.SIGCONT, signal.SIGKILL):
            try:
                os.killpg(pid, sig)
            except ProcessLookupError:
                return
        return
    info = proctree.read_process(pid)
    if info is None or info.start != start:
        return
    members = proctree.signal_family(pid, signal.SIGCONT)
    deadline = time.monotonic() + _KILL_BOUND
    while proctree.alive(members) and time.monotonic() < deadline:
        members.update(proctree.signal_family(pid, signal.SIGKILL))
        proctree.signal_known(members, signal.SIGKILL)
        time.sleep(0.05)


def _remove_containers(sessions: set[str]) -> None:
    try:
        import docker

        from .docker.engine import LABEL_SESSION, remove_labelled

        client = docker.from_env(timeout=30)
    except Exception:  # noqa: BLE001 - no SDK or no engine: nothing the watcher can remove
        return
    for session in sessions:
        try:
            remove_labelled(client, "org.testcontainers=true", f"{LABEL_SESSION}={session}")
        except Exception:  # noqa: BLE001 - keep removing the other sessions
            continue


def watch(lines: IO[str]) -> tuple[dict[int, int], set[str], set[str]]:
    """Read registrations until end of file; return what is still registered (procs, paths, sessions)."""
    procs: dict[int, int] = {}
    paths: set[str] = set()
    sessions: set[str] = set()
    for line in lines:
        verb, _, rest = line.rstrip("\n").partition(" ")
        if verb == "proc":
            pid, _, start = rest.partition(" ")
            procs[int(pid)] = int(start or 0)
        elif verb == "unproc":
            procs.pop(int(rest), None)
        elif verb == "path":
            paths.add(rest)
        elif verb == "unpath":
            paths.discard(rest)
        elif verb == "docker":
            sessions.add(rest)
        elif verb == "undocker":
            sessions.discard(rest)
    return procs, paths, sessions


def main() -> int:
    """Watch stdin until the parent is gone, then remove whatever it left registered."""
    for sig in (signal.SIGINT, signal.SIGHUP):  # Ctrl-C and a closing terminal are meant for the parent
        signal.signal(sig, signal.SIG_IGN)
    procs, paths, sessions = watch(sys.stdin)
    for pid, start in procs.items():
        _kill_server(pid, start)
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)
    if sessions:
        _remove_containers(sessions)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
