"""The Docker engine: reachability, testcontainers settings, and clean-up by label."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping
from typing import Any, Final

log = logging.getLogger(__name__)

#: Every container the kit starts carries these labels, so it can be removed without Ryuk.
LABEL: Final = "stepkit.conformance"
LABEL_SESSION: Final = "stepkit.conformance.session"
LABEL_PID: Final = "stepkit.conformance.pid"
LABEL_HOST: Final = "stepkit.conformance.host"

_TESTCONTAINERS_DEFAULTS: Final = {
    "TESTCONTAINERS_RYUK_DISABLED": "true",
    "TESTCONTAINERS_CONNECTION_MODE": "docker_host",
    "TC_POOLING_INTERVAL": "0.2",
}


def configure_testcontainers() -> None:
    """Set the kit's testcontainers defaults in ``os.environ`` where the user set nothing.

    Ryuk (its reaper) cannot be pulled without a registry, so it is disabled and the kit removes
    its containers itself by label; ``docker_host`` connection mode keeps host ports stable; a
    0.2 s poll interval makes readiness waits quick. When testcontainers was imported earlier,
    its already-read settings are updated the same way.
    """
    unset = {key: value for key, value in _TESTCONTAINERS_DEFAULTS.items() if key not in os.environ}
    os.environ.update(unset)
    from testcontainers.core.config import ConnectionMode
    from testcontainers.core.config import testcontainers_config as config

    if "TESTCONTAINERS_RYUK_DISABLED" in unset:
        config.ryuk_disabled = True
    if "TESTCONTAINERS_CONNECTION_MODE" in unset:
        config.connection_mode_override = ConnectionMode.docker_host
    if "TC_POOLING_INTERVAL" in unset:
        config.sleep_time = float(unset["TC_POOLING_INTERVAL"])


def docker_client(environ: Mapping[str, str], timeout: int = 30) -> Any:
    """A docker SDK client for the engine named by ``DOCKER_HOST`` (or the default socket)."""
    import docker

    return docker.from_env(environment=dict(environ), timeout=timeout)


def engine_reachable(environ: Mapping[str, str]) -> bool:
    """Whether a Docker engine answers a ping within a few seconds; never raises."""
    if not environ.get("DOCKER_HOST") and not os.path.exists("/var/run/docker.sock"):
        return False
    try:
        client = docker_client(environ, timeout=3)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:  # noqa: BLE001 - any failure means "no usable engine"
        return False


def owner_labels(session: str) -> dict[str, str]:
    """Labels marking a container as started by this process for ``session``."""
    return {LABEL: "true", LABEL_SESSION: session, LABEL_PID: str(os.getpid()), LABEL_HOST: socket.gethostname()}


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove(container: Any) -> bool:
    """Force-remove ``container`` with its volumes; False when it was already gone."""
    import docker.errors

    try:
        container.remove(force=True, v=True)
    except docker.errors.NotFound:
        return False
    return True


def _list(client: Any, *labels: str) -> list[Any]:
    # ignore_removed: other test runs remove their containers while this one lists
    return list(client.containers.list(all=True, filters={"label": list(labels)}, ignore_removed=True))


def remove_labelled(client: Any, *labels: str) -> int:
    """Force-remove every container carrying all ``labels`` (``key=value``); return how many."""
    return sum(_remove(container) for container in _list(client, *labels))


def remove_session_containers(client: Any, session: str) -> int:
    """Force-remove every container labelled with ``session``; return how many were removed."""
    return remove_labelled(client, f"{LABEL_SESSION}={session}")


def reap_stale_containers(client: Any) -> int:
    """Remove kit containers left by processes of this host that no longer run; return the count."""
    removed = 0
    host = socket.gethostname()
    for container in _list(client, f"{LABEL}=true"):
        labels: dict[str, str] = container.labels or {}
        pid = labels.get(LABEL_PID, "")
        if labels.get(LABEL_HOST) == host and pid.isdigit() and not _pid_alive(int(pid)):
            log.info("removing stale stepkit container %s (owner pid %s is gone)", container.short_id, pid)
            removed += _remove(container)
    return removed
