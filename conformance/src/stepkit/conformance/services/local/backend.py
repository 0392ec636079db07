"""``LocalBackend``: servers as processes on this machine, each with its own port and data dir."""

from __future__ import annotations

import atexit
import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Mapping
from pathlib import Path

from ..endpoint import ProviderKind, ServiceEndpoint, ServiceName, service_url
from ..errors import ServiceStartError
from ..handle import ManagedHandle, ServiceHandle
from ..ports import free_port
from ..probes import wait_ready
from ..reaper import reaper
from .kafka import TansuServer
from .moto import MotoServer
from .mysql import MariaDbServer
from .postgres import PostgresServer
from .rabbitmq import RabbitMqServer
from .redis import RedisServer
from .server import LocalServer

log = logging.getLogger(__name__)

_SERVERS: dict[ServiceName, type[LocalServer]] = {
    "redis": RedisServer,
    "postgres": PostgresServer,
    "rabbitmq": RabbitMqServer,
    "kafka": TansuServer,
    "dynamodb": MotoServer,
    "sqs": MotoServer,
    "mysql": MariaDbServer,
}


class ProcessHandle(ManagedHandle):
    """A local server.

    - pause: SIGSTOP to every process of the server and its companions (all descendants,
      whatever their group or session), returning once all are stopped; unpause: SIGCONT to them.
    - stop: its stop signal and a wait for every process (SIGKILL after a grace period).
    - start: relaunch on the same port and data dir, waiting for the protocol probe.
    - close: stop it and its companions, delete the data dir.
    """

    def __init__(self, server: LocalServer, endpoint: ServiceEndpoint, origin: str) -> None:
        super().__init__(endpoint, origin)
        self._server = server

    @property
    def data_dir(self) -> Path:
        """The server's private data directory (deleted by ``close()``)."""
        return self._server.data_dir

    @property
    def pid(self) -> int | None:
        """The pid of the server's process group leader while it runs."""
        return self._server.main.pid

    def launch_and_wait(self) -> float:
        """Launch the main process and wait until it answers; return the seconds it took."""
        main = self._server.main
        main.launch()
        return wait_ready(
            self._server.name,
            self.endpoint.host,
            self.endpoint.port,
            self._server.ready_timeout,
            alive=main.alive,
            diagnostics=main.log_tail,
        )

    def _pause(self) -> None:
        self._server.main.freeze()
        for companion in self._server.companions():
            companion.freeze()

    def _unpause(self) -> None:
        for companion in self._server.companions():
            companion.thaw()
        self._server.main.thaw()

    def _stop(self) -> None:
        self._server.main.terminate()

    def _start(self) -> None:
        self.launch_and_wait()

    def _close(self) -> None:
        try:
            self._server.main.terminate()
            for companion in self._server.companions():
                companion.terminate()
        finally:
            shutil.rmtree(self._server.data_dir, ignore_errors=True)


class LocalBackend:
    """Starts servers as local processes under one temporary directory.

    Each server gets a free port on 127.0.0.1 and its own data dir. ``close()`` closes every
    handle still open and removes the temporary directory; it is idempotent and also runs at
    interpreter exit, so servers do not outlive a test run that forgot to close; when the run
    is killed instead (SIGTERM, SIGKILL, ``os._exit``), the ``reaper`` kills them.
    """

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = dict(environ)
        self._root: Path | None = None
        self._handles: list[ProcessHandle] = []
        self._lock = threading.Lock()
        atexit.register(self.close)

    @property
    def kind(self) -> ProviderKind:
        return "local-process"

    def _root_dir(self) -> Path:
        with self._lock:
            if self._root is None:
                self._root = Path(tempfile.mkdtemp(prefix="stepkit-services-"))
                self._root.chmod(0o711)  # servers may run as another user (PostgreSQL as root)
                reaper().track_path(str(self._root))
            return self._root

    def start(self, name: ServiceName) -> ServiceHandle:
        """Start a fresh local server for ``name``; ``MissingBinaryError`` when its program is absent."""
        started = time.monotonic()
        port = free_port()
        data_dir = Path(tempfile.mkdtemp(prefix=f"{name}-{port}-", dir=self._root_dir()))
        try:
            server = _SERVERS[name](name, data_dir, port, self._environ)
        except BaseException:
            shutil.rmtree(data_dir, ignore_errors=True)
            raise
        endpoint = ServiceEndpoint(name, service_url(name, "127.0.0.1", port), "127.0.0.1", port, "local-process")
        handle = ProcessHandle(server, endpoint, server.origin)
        with self._lock:
            self._handles.append(handle)
        try:
            server.prepare()
            for companion in server.companions():
                companion.launch()
            server.wait_companions()
            handle.launch_and_wait()
            server.after_first_ready()
        except BaseException as exc:
            handle.close()
            if isinstance(exc, ServiceStartError | OSError):
                raise ServiceStartError(f"{name}: local server failed to start: {exc}") from exc
            raise
        log.info("%s ready on 127.0.0.1:%d in %.1fs (%s)", name, port, time.monotonic() - started, server.origin)
        return handle

    def close(self) -> None:
        """Close every handle and remove the temporary directory."""
        with self._lock:
            handles, self._handles = self._handles, []
            root, self._root = self._root, None
        for handle in handles:
            handle.close()
        if root is not None:
            shutil.rmtree(root, ignore_errors=True)
            reaper().untrack_path(str(root))
