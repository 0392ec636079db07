"""Every service as a local process (no Docker): real requests, SIGSTOP/SIGCONT, restart on the same port."""

from __future__ import annotations

import os

import pytest
from conftest import TIMINGS
from lifecycle import refuses_connections, run_held_connection, run_keeps_data, run_lifecycle
from service_clients import roundtrip

from stepkit.conformance.services import SERVICE_NAMES, ServiceProvider, provider_from_env
from stepkit.conformance.services.local.backend import ProcessHandle

SERVICES = [pytest.param(n, marks=pytest.mark.slow) if n == "rabbitmq" else n for n in SERVICE_NAMES]


@pytest.mark.parametrize("name", SERVICES)
def test_lifecycle(local_provider: ServiceProvider, name: str) -> None:
    run_lifecycle(local_provider, name, TIMINGS, "local")


@pytest.mark.parametrize("name", SERVICES)
def test_pause_freezes_held_connections(local_provider: ServiceProvider, name: str) -> None:
    run_held_connection(local_provider, name)


@pytest.mark.parametrize("name", SERVICES)
def test_keeps_data_on_restart_is_truthful(local_provider: ServiceProvider, name: str) -> None:
    run_keeps_data(local_provider, name)


def test_close_stops_processes_and_removes_data() -> None:
    provider = provider_from_env({**os.environ, "STEPKIT_SERVICES": "local"})
    handle = provider.get("redis")
    assert provider.get("redis") is handle
    assert handle.endpoint.provider == "local-process"
    roundtrip(handle.endpoint)
    assert isinstance(handle, ProcessHandle)
    data_dir, pid = handle.data_dir, handle.pid
    assert data_dir.is_dir()
    assert pid is not None
    [line] = provider.describe()
    assert line.startswith("redis: provider=local-process url=redis://127.0.0.1:")
    assert "redis-server" in line
    provider.close()
    assert not data_dir.exists()
    assert refuses_connections(handle.endpoint.host, handle.endpoint.port)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_missing_binary_names_what_to_install() -> None:
    from stepkit.conformance.services import MissingBinaryError

    env = {**os.environ, "STEPKIT_SERVICES": "local", "STEPKIT_REDIS_SERVER_BIN": "/nonexistent"}
    provider = provider_from_env(env)
    try:
        with pytest.raises(MissingBinaryError, match="apt-get install redis-server"):
            provider.get("redis")
    finally:
        provider.close()


def test_auto_mode_without_an_engine_falls_back_to_local_processes() -> None:
    env = {k: v for k, v in os.environ.items() if k != "STEPKIT_SERVICES" and not k.endswith("_URL")}
    env["DOCKER_HOST"] = "unix:///nonexistent/docker.sock"
    provider = provider_from_env(env)
    try:
        handle = provider.get("kafka")
        assert handle.endpoint.provider == "local-process"
        roundtrip(handle.endpoint)
    finally:
        provider.close()
