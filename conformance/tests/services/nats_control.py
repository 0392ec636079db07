"""Start, stop, pause and resume a NATS server of the test's own (never the machine's).

    python nats_control.py start|stop|pause|unpause STATE_DIR PORT

The server's pid is kept in ``STATE_DIR/nats.pid``; ``start`` returns once it accepts
connections, ``stop`` once it is gone. The kit's tests use these as a declared service's fault
hooks (``STEPKIT_NATS_PAUSE`` ...), the way a third party would for a backend the kit does not know.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

BOUND = 20.0


def _binary() -> str:
    found = shutil.which("nats-server") or (
        "/usr/sbin/nats-server" if os.path.exists("/usr/sbin/nats-server") else None
    )
    if found is None:
        raise SystemExit("nats-server is not installed")
    return found


def _accepts(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        return False
    return True


def _gone(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat[stat.rfind(")") + 2] in "ZX"


def start(state: Path, port: int) -> None:
    """Launch nats-server on 127.0.0.1:port in its own session and wait until it accepts connections."""
    state.mkdir(parents=True, exist_ok=True)
    with (state / "nats.log").open("ab") as log:
        process = subprocess.Popen(
            [_binary(), "-a", "127.0.0.1", "-p", str(port)],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    (state / "nats.pid").write_text(str(process.pid))
    deadline = time.monotonic() + BOUND
    while not _accepts(port):
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"nats-server on port {port} did not start")
        time.sleep(0.05)


def _pid(state: Path) -> int:
    return int((state / "nats.pid").read_text())


def stop(state: Path) -> None:
    """SIGCONT then SIGTERM the server, and wait until it is gone (SIGKILL after the bound)."""
    pid = _pid(state)
    for sig in (signal.SIGCONT, signal.SIGTERM):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
    deadline = time.monotonic() + BOUND
    while not _gone(pid):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
        time.sleep(0.05)


def main(argv: list[str]) -> None:
    command, state, port = argv[0], Path(argv[1]), int(argv[2])
    if command == "start":
        start(state, port)
    elif command == "stop":
        stop(state)
    elif command in ("pause", "unpause"):
        os.kill(_pid(state), signal.SIGSTOP if command == "pause" else signal.SIGCONT)
    else:
        raise SystemExit(f"unknown command {command!r}: expected start, stop, pause or unpause")


if __name__ == "__main__":
    main(sys.argv[1:])
