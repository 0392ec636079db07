"""Serve an app with uvicorn, with a graceful SIGTERM/SIGINT shutdown.

On the first signal the runtime stops taking work at once (no new cron
ticks, no new event deliveries, new requests get 503) while uvicorn stops
accepting connections and lets open requests finish (bounded by
``shutdown_timeout_seconds``); then the lifespan shutdown waits for in-flight
handlers (same bound) and closes the adapters.
"""

from __future__ import annotations

import asyncio
import os
import socket
from pathlib import Path
from types import FrameType

import uvicorn
from starlette.applications import Starlette

from stepkit.runtime.http.app import build_app
from stepkit.runtime.log import configure_logging, runtime_logger
from stepkit.runtime.runtime import Runtime

APP_DIR_VARIABLE = "STEPKIT_APP_DIR"
_log = runtime_logger("server")


class GracefulServer(uvicorn.Server):
    """A uvicorn server that also tells the runtime to stop taking work when a signal arrives."""

    def __init__(self, config: uvicorn.Config, runtime: Runtime) -> None:
        super().__init__(config)
        self._runtime = runtime
        self._loop: asyncio.AbstractEventLoop | None = None
        self._shutdown_task: asyncio.Task[None] | None = None

    async def serve(self, sockets: list[socket.socket] | None = None) -> None:
        self._loop = asyncio.get_running_loop()
        await super().serve(sockets)

    def _begin_shutdown(self) -> None:
        if self._shutdown_task is None:
            self._shutdown_task = asyncio.ensure_future(self._runtime.begin_shutdown())

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._begin_shutdown)


def bind(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` (``OSError`` when the port is taken), for :func:`serve`."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def serve(runtime: Runtime, host: str, port: int, sock: socket.socket | None = None) -> bool:
    """Run ``runtime`` behind uvicorn until a signal stops it; False when it never started.

    ``sock``: an already bound socket (see :func:`bind`), else uvicorn binds ``host:port``.
    """
    config = uvicorn.Config(
        build_app(runtime),
        host=host,
        port=port,
        lifespan="on",
        log_level=runtime.settings.log_level.lower(),
        timeout_graceful_shutdown=max(1, int(runtime.settings.shutdown_timeout_seconds)),
    )
    server = GracefulServer(config, runtime)
    server.run(sockets=[sock] if sock is not None else None)
    return bool(server.started)


def dev_app() -> Starlette:
    """Factory for ``stepkit dev``: uvicorn re-imports it on every reload (app dir from ``STEPKIT_APP_DIR``)."""
    configure_logging(os.environ.get("STEPKIT_LOG_LEVEL", "INFO"))
    runtime = Runtime.from_app(Path(os.environ.get(APP_DIR_VARIABLE, ".")))
    return build_app(runtime)


def serve_dev(app_dir: Path, host: str, port: int) -> None:
    """Serve with auto-reload: any change under ``app_dir`` restarts the app."""
    os.environ[APP_DIR_VARIABLE] = str(app_dir.resolve())
    uvicorn.run(
        "stepkit.runtime.server:dev_app",
        factory=True,
        host=host,
        port=port,
        reload=True,
        reload_dirs=[str(app_dir.resolve())],
    )


__all__ = ["APP_DIR_VARIABLE", "GracefulServer", "bind", "dev_app", "serve", "serve_dev"]
