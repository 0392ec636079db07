"""``ServiceProvider``: shared and dedicated servers for one test session."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping

from .backend import Backend
from .custom import UnknownServiceError, custom_handle, find_service, unknown_service_message
from .endpoint import ServiceName, builtin_service
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
    - A name the kit does not provision is looked up among declared services (``CustomService``:
      declared in code, by entry point, or by ``STEPKIT_<NAME>_URL``); its server is the user's,
      so ``dedicated=True`` hands out another handle on that same server.
      ``UnknownServiceError`` (a ``ValueError``) says how to declare a name found nowhere.

    Thread-safe: concurrent ``get`` calls for one name start at most one shared server.
    """

    def __init__(self, backend_for: Callable[[ServiceName], Backend], environ: Mapping[str, str] | None = None) -> None:
        self._backend_for = backend_for
        self._environ = dict(os.environ if environ is None else environ)
        self._shared: dict[str, ServiceHandle] = {}
        self._dedicated: list[ServiceHandle] = []
        self._backends: dict[int, Backend] = {}
        self._lock = threading.Lock()

    def _start(self, name: ServiceName) -> ServiceHandle:
        backend = self._backend_for(name)
        self._backends.setdefault(id(backend), backend)
        handle = backend.start(name)
        log.info("stepkit services: %s", handle.describe())
        return handle

    def _start_any(self, name: str) -> ServiceHandle:
        builtin = builtin_service(name)
        if builtin is not None:
            return self._start(builtin)
        declared = find_service(name, self._environ)
        if declared is None:
            raise UnknownServiceError(unknown_service_message(name))
        handle = custom_handle(declared, self._environ)
        log.info("stepkit services: %s", handle.describe())
        return handle

    def knows(self, name: str) -> bool:
        """Whether ``get(name)`` can serve ``name``: a kit service or a declared one."""
        return builtin_service(name) is not None or find_service(name, self._environ) is not None

    def get(self, name: str, *, dedicated: bool = False) -> ServiceHandle:
        """A ready server for ``name`` (see the class docstring); ``UnknownServiceError`` (a
        ``ValueError``) naming how to declare ``name`` when nobody provisions it."""
        service = name
        with self._lock:
            if dedicated:
                handle = self._start_any(service)
                self._dedicated.append(handle)
                return handle
            shared = self._shared.get(service)
            if shared is None or shared.state == "closed":
                shared = self._start_any(service)
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
