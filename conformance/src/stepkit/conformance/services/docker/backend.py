"""``DockerBackend``: each server is a labelled container with a fixed host port."""

from __future__ import annotations

import atexit
import logging
import threading
import uuid
from collections.abc import Mapping
from functools import partial
from typing import Any

from ..endpoint import ProviderKind, ServiceEndpoint, ServiceName, check_service_name, service_url
from ..errors import ServiceStartError
from ..handle import ManagedHandle, ServiceHandle
from ..ports import free_port
from ..probes import wait_ready
from ..reaper import reaper
from .engine import (
    configure_testcontainers,
    docker_client,
    owner_labels,
    reap_stale_containers,
    remove_session_containers,
)
from .images import choose_image

log = logging.getLogger(__name__)

_PORT_CLASH = ("port is already allocated", "address already in use")
_STOP_TIMEOUT = 10
_BUILD_HINT = "build local images with: python -m stepkit.conformance.services.images build"


def _logs(container: Any) -> str:
    try:
        out, err = container.get_logs()
    except Exception as exc:  # noqa: BLE001 - diagnostics must not mask the real error
        return f"(no logs: {exc})"
    text: str = (out + err).decode(errors="replace")
    return "\n".join(text.splitlines()[-40:])


class ContainerHandle(ManagedHandle):
    """A container started by the kit. pause = docker pause; stop/start = docker stop/start on the
    same published port, waiting for the protocol probe; close = force-remove with volumes."""

    def __init__(self, container: Any, endpoint: ServiceEndpoint, origin: str, ready_timeout: float) -> None:
        super().__init__(endpoint, origin)
        self._container = container
        self._ready_timeout = ready_timeout

    @property
    def container_id(self) -> str:
        """The Docker id of the container behind this handle."""
        return str(self._container.get_container_id())

    def _docker(self) -> Any:
        return self._container.get_wrapped_container()

    def _pause(self) -> None:
        self._docker().pause()

    def _unpause(self) -> None:
        self._docker().unpause()

    def _stop(self) -> None:
        self._docker().stop(timeout=_STOP_TIMEOUT)

    def _running(self) -> bool:
        wrapped = self._docker()
        wrapped.reload()
        return bool(wrapped.status == "running")

    def _start(self) -> None:
        self._docker().start()
        ep = self.endpoint
        wait_ready(
            check_service_name(ep.name),
            ep.host,
            ep.port,
            self._ready_timeout,
            alive=self._running,
            diagnostics=lambda: _logs(self._container),
        )

    def _close(self) -> None:
        self._container.stop(force=True, delete_volume=True)


class DockerBackend:
    """Starts servers as containers through testcontainers-python.

    Every container is labelled with this backend's session id and owner pid, so ``close()``
    removes them all even when a handle was lost (it also runs at interpreter exit); containers of
    dead owners on this host are removed when the backend is created, and by the ``reaper`` as
    soon as this process dies, however it dies. Fixed host ports keep the address across stop/start.
    """

    def __init__(self, environ: Mapping[str, str]) -> None:
        configure_testcontainers()
        self._environ = dict(environ)
        self._session = uuid.uuid4().hex
        self._client = docker_client(self._environ)
        self._handles: list[ContainerHandle] = []
        self._lock = threading.Lock()
        reap_stale_containers(self._client)
        reaper().track_containers(self._session)
        atexit.register(self.close)

    @property
    def kind(self) -> ProviderKind:
        return "testcontainers"

    def start(self, name: ServiceName) -> ServiceHandle:
        """Start a fresh container for ``name`` and return its handle once it answers its protocol."""
        from docker.errors import APIError, ImageNotFound

        from .containers import SPECS, make_container

        image, reason = choose_image(name, self._environ, self._client)
        origin = f"image {image} ({reason})"
        spec = SPECS[name]
        last_error: Exception | None = None
        for _attempt in range(3):
            port = free_port()
            container = make_container(name, image, "127.0.0.1", port, owner_labels(self._session))
            try:
                container.start()
            except (ImageNotFound, APIError) as exc:
                self._discard(container)
                if any(clash in str(exc) for clash in _PORT_CLASH):
                    last_error = exc
                    continue
                raise ServiceStartError(f"{name}: cannot start {image}: {exc}\n{_BUILD_HINT}") from exc
            except Exception as exc:
                logs = _logs(container)
                self._discard(container)
                raise ServiceStartError(f"{name}: {image} did not become ready: {exc}\n{logs}") from exc
            host = container.get_container_host_ip()
            host = "127.0.0.1" if host == "localhost" else host
            endpoint = ServiceEndpoint(name, service_url(name, host, port), host, port, "testcontainers")
            handle = ContainerHandle(container, endpoint, origin, spec.ready_timeout)
            with self._lock:
                self._handles.append(handle)
            try:
                seconds = wait_ready(name, host, port, spec.ready_timeout, diagnostics=partial(_logs, container))
            except ServiceStartError:
                handle.close()
                raise
            log.info("%s ready on %s:%d in %.1fs (%s)", name, host, port, seconds, origin)
            return handle
        raise ServiceStartError(f"{name}: no free host port after 3 attempts: {last_error}")

    @staticmethod
    def _discard(container: Any) -> None:
        try:
            container.stop(force=True, delete_volume=True)
        except Exception as exc:  # noqa: BLE001 - best effort; close() removes by label anyway
            log.warning("could not remove a failed container: %s", exc)

    def close(self) -> None:
        """Close every handle and remove any container still labelled with this session."""
        with self._lock:
            handles, self._handles = self._handles, []
        for handle in handles:
            handle.close()
        remove_session_containers(self._client, self._session)
        reaper().untrack_containers(self._session)
