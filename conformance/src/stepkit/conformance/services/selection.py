"""``provider_from_env``: pick a backend per service from the environment."""

from __future__ import annotations

import importlib.util
import logging
import os
from collections.abc import Mapping
from typing import Literal

from .backend import Backend
from .endpoint import ServiceName
from .errors import MissingExtraError, extra_hint
from .provider import ServiceProvider
from .url_backend import UrlBackend

Mode = Literal["docker", "local", "auto"]
log = logging.getLogger(__name__)


def testcontainers_installed() -> bool:
    """Whether the ``docker`` extra (testcontainers and the docker SDK) is importable."""
    return importlib.util.find_spec("testcontainers") is not None and importlib.util.find_spec("docker") is not None


def services_mode(environ: Mapping[str, str]) -> Mode:
    """``STEPKIT_SERVICES`` (``docker``, ``local`` or ``auto``; default ``auto``); ``ValueError`` otherwise."""
    raw = environ.get("STEPKIT_SERVICES", "").strip().lower() or "auto"
    if raw == "docker":
        return "docker"
    if raw == "local":
        return "local"
    if raw == "auto":
        return "auto"
    raise ValueError(f"STEPKIT_SERVICES={raw!r}: expected docker, local or auto")


class _Selector:
    """Chooses and lazily builds one backend per kind; a service with a URL always gets the URL backend."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = dict(environ)
        self._mode = services_mode(self._environ)
        self._urls = UrlBackend(self._environ)
        self._docker: Backend | None = None
        self._local: Backend | None = None
        self._use_docker: bool | None = None

    def _wants_docker(self) -> bool:
        if self._use_docker is None:
            if self._mode == "auto":
                from .docker.engine import engine_reachable

                self._use_docker = testcontainers_installed() and engine_reachable(self._environ)
                if not self._use_docker and not testcontainers_installed():
                    log.info("stepkit services: local processes (Docker needs the [docker] extra)")
            else:
                self._use_docker = self._mode == "docker"
                if self._use_docker and not testcontainers_installed():
                    raise MissingExtraError(f"STEPKIT_SERVICES=docker needs testcontainers; {extra_hint('docker')}")
        return self._use_docker

    def __call__(self, name: ServiceName) -> Backend:
        if self._urls.has(name):
            return self._urls
        if self._wants_docker():
            if self._docker is None:
                from .docker.backend import DockerBackend

                self._docker = DockerBackend(self._environ)
            return self._docker
        if self._local is None:
            from .local.backend import LocalBackend

            self._local = LocalBackend(self._environ)
        return self._local


def provider_from_env(environ: Mapping[str, str] | None = None) -> ServiceProvider:
    """A provider configured by the environment (``os.environ`` by default).

    Services the kit does not know are looked up among declared ones (``CustomService``).
    Per service: ``STEPKIT_<SERVICE>_URL`` set → that running server (provider ``url``, no fault
    controls). Otherwise ``STEPKIT_SERVICES``: ``docker`` → Testcontainers; ``local`` → server
    processes on this machine; ``auto`` (default) → Docker when the ``[docker]`` extra is
    installed and an engine answers, else local. ``docker`` without the extra raises
    ``MissingExtraError`` naming it when the first server is needed.
    Images are chosen per service by ``STEPKIT_<SERVICE>_IMAGE``, else a locally built
    ``stepkit/<image>:local``, else the official image. Nothing starts until ``get()``.
    ``ValueError`` for a bad ``STEPKIT_SERVICES`` value, raised here.
    """
    env = os.environ if environ is None else environ
    return ServiceProvider(_Selector(env), env)
