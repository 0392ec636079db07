"""Services the kit does not know, declared by whoever tests an adapter for them.

A ``CustomService`` names a service (``nats``), where its URL comes from (an environment
variable, ``STEPKIT_NATS_URL`` by default) and, optionally, how to fault it: four hooks,
``pause``/``unpause``/``stop``/``start``, each a callable taking the ``ServiceEndpoint`` or a
shell command (run with ``STEPKIT_SERVICE_NAME``, ``_URL``, ``_HOST`` and ``_PORT`` in its
environment). With the hooks the fault tier runs against it; without them its fault tests are
``n/a`` like any user-supplied server's.

Three ways to declare one, looked up in this order by ``find_service``:

1. ``declare_service(CustomService(...))`` at import time of the adapter's conformance module
   (or a conftest);
2. an entry point in the group ``stepkit.conformance.services`` whose name is the service name
   and whose object is a ``CustomService`` (or a callable returning one);
3. the environment alone: ``STEPKIT_<NAME>_URL`` plus optional ``STEPKIT_<NAME>_PAUSE``,
   ``_UNPAUSE``, ``_STOP``, ``_START`` shell commands.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Final

from .endpoint import SERVICE_NAMES, ServiceEndpoint
from .errors import ServiceError, ServiceStartError
from .handle import ManagedHandle, ServiceHandle, UrlHandle

#: Entry-point group under which packages declare services the kit does not provision.
ENTRY_POINT_GROUP: Final = "stepkit.conformance.services"
FAULT_HOOKS: Final = ("pause", "unpause", "stop", "start")

Hook = Callable[[ServiceEndpoint], object] | str
"""A fault hook: a callable taking the endpoint, or a shell command."""

_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")
_HOOK_TIMEOUT: Final = 120.0


class UnknownServiceError(ValueError, LookupError):
    """A service name the kit does not provision and nobody declared; the message says how to declare it."""


def url_variable_for(name: str) -> str:
    """``STEPKIT_<NAME>_URL`` for service ``name`` (``-`` becomes ``_``)."""
    return f"STEPKIT_{name.upper().replace('-', '_')}_URL"


def tcp_ready(endpoint: ServiceEndpoint, timeout: float = 1.0) -> bool:
    """True when ``endpoint.host:port`` accepts a TCP connection (the default readiness check)."""
    try:
        socket.create_connection((endpoint.host, endpoint.port), timeout=timeout).close()
    except OSError:
        return False
    return True


@dataclass(frozen=True)
class CustomService:
    """A service declared by a third party (see the module docstring).

    Guarantees: ``name`` is a lower-case identifier that is not one of the kit's own services;
    the fault hooks are all four or none (a half-faultable service would fail the fault tier for
    the wrong reason). After ``start`` the kit waits until ``ready(endpoint)`` is True (default: a
    TCP connect) for at most ``ready_timeout`` seconds. ``keeps_data_on_restart`` says whether
    data written before ``stop`` is there after ``start``.
    """

    name: str
    url_variable: str = ""
    pause: Hook | None = None
    unpause: Hook | None = None
    stop: Hook | None = None
    start: Hook | None = None
    ready: Callable[[ServiceEndpoint], bool] = field(default=tcp_ready, compare=False)
    ready_timeout: float = 30.0
    keeps_data_on_restart: bool = False

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(f"custom service name {self.name!r}: use lower-case letters, digits, '-' or '_'")
        if self.name in SERVICE_NAMES:
            raise ValueError(f"custom service name {self.name!r} is one of the kit's own services")
        if not self.url_variable:
            object.__setattr__(self, "url_variable", url_variable_for(self.name))
        given = [hook for hook in FAULT_HOOKS if getattr(self, hook) is not None]
        if given and len(given) != len(FAULT_HOOKS):
            missing = [hook for hook in FAULT_HOOKS if hook not in given]
            raise ValueError(f"custom service {self.name!r}: fault hooks come as all four; missing {missing}")
        if self.ready_timeout <= 0:
            raise ValueError(f"custom service {self.name!r}: ready_timeout must be > 0, got {self.ready_timeout}")

    @property
    def supports_faults(self) -> bool:
        """Whether the four fault hooks are given."""
        return self.pause is not None

    def endpoint(self, environ: Mapping[str, str]) -> ServiceEndpoint:
        """The endpoint named by ``url_variable``; ``ServiceError`` when it is unset or not a URL."""
        from .url_backend import endpoint_from_url

        url = environ.get(self.url_variable, "").strip()
        if not url:
            raise ServiceError(
                f"custom service {self.name!r} has no server: set {self.url_variable} to its URL "
                "(the kit does not start servers for services it does not know)"
            )
        return endpoint_from_url(self.name, url, variable=self.url_variable)


_declared: dict[str, CustomService] = {}
_declared_lock = threading.Lock()


def declare_service(service: CustomService) -> CustomService:
    """Declare ``service`` for this process; returns it. Declaring an equal one again is fine,
    a different one under the same name is a ``ValueError``."""
    with _declared_lock:
        known = _declared.get(service.name)
        if known is not None and known != service:
            raise ValueError(f"custom service {service.name!r} is already declared differently: {known}")
        _declared[service.name] = service
    return service


def _from_entry_point(name: str) -> CustomService | None:
    for ep in entry_points(group=ENTRY_POINT_GROUP, name=name):
        obj = ep.load()
        service = obj() if callable(obj) and not isinstance(obj, CustomService) else obj
        if not isinstance(service, CustomService) or service.name != name:
            raise ValueError(
                f"entry point {ep.name} = {ep.value} in {ENTRY_POINT_GROUP} must be a CustomService named {name!r}"
            )
        return service
    return None


def _from_environment(name: str, environ: Mapping[str, str]) -> CustomService | None:
    variable = url_variable_for(name)
    if not environ.get(variable, "").strip():
        return None
    prefix = variable.removesuffix("URL")

    def command(hook: str) -> str | None:
        return environ.get(f"{prefix}{hook.upper()}", "").strip() or None

    return CustomService(
        name, variable, pause=command("pause"), unpause=command("unpause"), stop=command("stop"), start=command("start")
    )


def find_service(name: str, environ: Mapping[str, str]) -> CustomService | None:
    """The declaration of ``name`` (declared in code, by entry point, or by the environment), or None."""
    with _declared_lock:
        declared = _declared.get(name)
    if declared is not None:
        return declared
    if not _NAME.match(name) or name in SERVICE_NAMES:
        return None
    return _from_entry_point(name) or _from_environment(name, environ)


def unknown_service_message(name: str) -> str:
    """One message naming ``name``, the kit's own services, and how to declare ``name``."""
    variable = url_variable_for(name)
    prefix = variable.removesuffix("URL")
    return (
        f"unknown service {name!r}: the kit provisions {', '.join(SERVICE_NAMES)}. "
        f"To test against {name!r}, declare it: set {variable} to a running server "
        f"(optionally {prefix}PAUSE, {prefix}UNPAUSE, {prefix}STOP and {prefix}START shell commands "
        "so the fault tier can run), or declare a stepkit.conformance.services.CustomService with "
        f"declare_service() or under the entry-point group {ENTRY_POINT_GROUP!r} "
        "(README: 'Declaring your own service')"
    )


def _run_hook(hook: Hook, what: str, endpoint: ServiceEndpoint, environ: Mapping[str, str]) -> None:
    if callable(hook):
        hook(endpoint)
        return
    env = {
        **environ,
        "STEPKIT_SERVICE_NAME": endpoint.name,
        "STEPKIT_SERVICE_URL": endpoint.url,
        "STEPKIT_SERVICE_HOST": endpoint.host,
        "STEPKIT_SERVICE_PORT": str(endpoint.port),
    }
    result = subprocess.run(hook, shell=True, env=env, capture_output=True, text=True, timeout=_HOOK_TIMEOUT)
    if result.returncode != 0:
        raise ServiceError(
            f"{endpoint.name} {what} hook {hook!r} exited with {result.returncode}:\n{result.stdout}{result.stderr}"
        )


class CustomHandle(ManagedHandle):
    """A declared service's server with fault hooks. It belongs to the user: ``close()`` leaves it
    running (unpaused, and started again when a test left it stopped)."""

    def __init__(self, service: CustomService, endpoint: ServiceEndpoint, environ: Mapping[str, str]) -> None:
        super().__init__(endpoint, f"declared service {service.name} (fault hooks)")
        self._service = service
        self._environ = dict(environ)

    @property
    def keeps_data_on_restart(self) -> bool:
        return self._service.keeps_data_on_restart

    def _hook(self, what: str) -> None:
        hook = getattr(self._service, what)
        assert hook is not None, "CustomHandle is only built for services with all fault hooks"
        _run_hook(hook, what, self.endpoint, self._environ)

    def _pause(self) -> None:
        self._hook("pause")

    def _unpause(self) -> None:
        self._hook("unpause")

    def _stop(self) -> None:
        self._hook("stop")

    def _start(self) -> None:
        self._hook("start")
        deadline = time.monotonic() + self._service.ready_timeout
        while not self._service.ready(self.endpoint):
            if time.monotonic() >= deadline:
                raise ServiceStartError(
                    f"{self.endpoint.name} ({self.endpoint.url}) not ready {self._service.ready_timeout:g}s "
                    "after its start hook"
                )
            time.sleep(0.1)

    def close(self) -> None:
        with self._lock:
            if self.state == "stopped":
                self.start()
        super().close()

    def _close(self) -> None:
        """The server is the user's: nothing to remove."""


class DeclaredUrlHandle(UrlHandle):
    """A declared service without fault hooks: a user-supplied server, faults refused."""

    def __init__(self, service: CustomService, endpoint: ServiceEndpoint) -> None:
        super().__init__(endpoint, url_variable=service.url_variable)
        self._service = service

    @property
    def keeps_data_on_restart(self) -> bool:
        return self._service.keeps_data_on_restart


def custom_handle(service: CustomService, environ: Mapping[str, str] | None = None) -> ServiceHandle:
    """A handle on the declared service's server (``CustomHandle`` when it has fault hooks)."""
    env = dict(os.environ if environ is None else environ)
    endpoint = service.endpoint(env)
    if service.supports_faults:
        return CustomHandle(service, endpoint, env)
    return DeclaredUrlHandle(service, endpoint)
