"""``ServiceProvider``: shared and dedicated servers for one test session."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from .backend import Backend
from .endpoint import ServiceName, check_service_name
from .handle import ServiceHandle

log = logging.getLogger(__name__)


class ServiceProvider:
    """Hands out servers per service name, choosing a backend per service with ``backend_for``.

    - ``get(name)`` returns the session's shared server for ``name``, started on first use and
      reused afterwards (started again if someone closed it).
    - ``get(name, dedicated=True)`` starts a fresh private server every call, for tests that
      pause or stop it.
    - ``close()`` closes every handle it handed out, then lets each backend remove leftovers
      (containers by label, process groups, data dirs). It is idempotent, and the provider can
      be used again afterwards.

    Thread-safe: concurrent ``get`` calls for one name start at most one shared server.
    """

    def __init__(self, backend_for: Callable[[ServiceName], Backend]) -> None:
        self._backend_for = backend_for
        self._shared: dict[ServiceName, ServiceHandle] = {}
        self._dedicated: list[ServiceHandle] = []
        self._backends: dict[int, Backend] = {}
        self._lock = threading.Lock()

    def _start(self, name: ServiceName) -> ServiceHandle:
        backend = self._backend_for(name)
        self._backends.setdefault(id(backend), backend)
        handle = backend.start(name)
        log.info("stepkit services: %s", handle.describe())
        return handle

    def get(self, name: str, *, dedicated: bool = False) -> ServiceHandle:
        """A ready server for ``name`` (see the class docstring); ``ValueError`` for an unknown name."""
        service = check_service_name(name)
        with self._lock:
            if dedicated:
                handle = self._start(service)
                self._dedicated.append(handle)
                return handle
            shared = self._shared.get(service)
            if shared is None or shared.state == "closed":
                shared = self._start(service)
                self._shared[service] = shared
            return shared

    def describe(self) -> list[str]:
        """One line per shared server started so far: name, provider, url, image or binary."""
        with self._lock:
            return [handle.describe() for handle in self._shared.values() if handle.state != "closed"]

    def close(self) -> None:
        """Stop and remove everything this provider started (see the class docstring)."""
        with self._lock:
            handles = [*self._shared.values(), *self._dedicated]
            backends = list(self._backends.values())
            self._shared.clear()
            self._dedicated.clear()
            self._backends.clear()
        errors: list[Exception] = []
        for handle in handles:
            try:
                handle.close()
            except Exception as exc:  # noqa: BLE001 - keep closing the rest, report at the end
                errors.append(exc)
        for backend in backends:
            try:
                backend.close()
            except Exception as exc:  # noqa: BLE001 - keep closing the rest, report at the end
                errors.append(exc)
        if errors:
            raise ExceptionGroup("closing stepkit test services failed", errors)

    def __enter__(self) -> ServiceProvider:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
