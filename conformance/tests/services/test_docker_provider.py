"""Every service via Testcontainers: real requests, pause/unpause, stop/start on the same port, clean-up."""

from __future__ import annotations

import os

import docker
import docker.errors
import pytest
from conftest import TIMINGS
from lifecycle import run_held_connection, run_keeps_data, run_lifecycle
from service_clients import roundtrip

from stepkit.conformance.services import SERVICE_NAMES, ServiceProvider, provider_from_env
from stepkit.conformance.services.docker.backend import ContainerHandle
from stepkit.conformance.services.docker.engine import LABEL_PID

pytestmark = pytest.mark.docker

SERVICES = [pytest.param(n, marks=pytest.mark.slow) if n == "rabbitmq" else n for n in SERVICE_NAMES]


@pytest.mark.parametrize("name", SERVICES)
def test_lifecycle(docker_provider: ServiceProvider, name: str) -> None:
    run_lifecycle(docker_provider, name, TIMINGS, "docker")


@pytest.mark.parametrize("name", SERVICES)
def test_pause_freezes_held_connections(docker_provider: ServiceProvider, name: str) -> None:
    run_held_connection(docker_provider, name)


@pytest.mark.parametrize("name", SERVICES)
def test_keeps_data_on_restart_is_truthful(docker_provider: ServiceProvider, name: str) -> None:
    run_keeps_data(docker_provider, name)


def test_shared_instance_is_reused_and_close_removes_containers(docker_provider: ServiceProvider) -> None:
    provider = provider_from_env({**os.environ, "STEPKIT_SERVICES": "docker"})
    shared = provider.get("redis")
    assert provider.get("redis") is shared
    dedicated = provider.get("redis", dedicated=True)
    assert dedicated is not shared
    assert dedicated.endpoint.port != shared.endpoint.port
    assert shared.endpoint.provider == "testcontainers"
    roundtrip(shared.endpoint)
    [line] = provider.describe()
    assert line.startswith("redis: provider=testcontainers url=redis://")
    assert "image " in line
    ids = []
    for handle in (shared, dedicated):
        assert isinstance(handle, ContainerHandle)
        ids.append(handle.container_id)
    provider.close()
    client = docker.from_env()
    for container_id in ids:
        with pytest.raises(docker.errors.NotFound):
            client.containers.get(container_id)
    mine = client.containers.list(all=True, filters={"label": f"{LABEL_PID}={os.getpid()}"})
    assert all(c.id not in ids for c in mine)
