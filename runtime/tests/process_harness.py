"""Run ``stepkit start`` as OS processes for process-level tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class StepkitProcess:
    """One ``stepkit start`` process; its stderr (JSON log lines) goes to ``log_path``."""

    app: Path
    env: dict[str, str]
    log_path: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        cli = [sys.executable, "-m", "stepkit.runtime.cli"]
        command = [*cli, "start", "--app", str(self.app), "--port", str(self.port)]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(command, env={**os.environ, **self.env}, stdout=log, stderr=log)

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Poll ``/health`` until it answers 200 (bounded)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"stepkit exited with {self.process.returncode}:\n{self.log_path.read_text()}")
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"stepkit on port {self.port} not ready in {timeout}s:\n{self.log_path.read_text()}")

    def terminate(self, timeout: float = 30.0) -> int:
        """SIGTERM, then wait for the exit (bounded); returns the exit code."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        """SIGKILL: the process dies mid-flight, with no cleanup at all."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")
