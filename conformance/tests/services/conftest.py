"""Fixtures for the service-provisioning tests: providers forced to Docker or to local processes."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from stepkit.conformance.services import ServiceProvider, provider_from_env
from stepkit.conformance.services.docker.engine import engine_reachable

TIMINGS: list[tuple[str, float]] = []


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "docker: needs a Docker engine with the stepkit images or a registry")
    config.addinivalue_line("markers", "slow: takes more than a few seconds (RabbitMQ boots Erlang twice)")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if TIMINGS:
        terminalreporter.section("stepkit service timings")
        for label, seconds in TIMINGS:
            terminalreporter.write_line(f"{label:45} {seconds:6.2f}s")


def _environ(mode: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not (k.startswith("STEPKIT_") and k.endswith("_URL"))}
    env["STEPKIT_SERVICES"] = mode
    return env


@pytest.fixture(scope="module")
def docker_provider() -> Iterator[ServiceProvider]:
    """A provider that starts every service with Testcontainers; skips when no engine answers."""
    if not engine_reachable(os.environ):
        pytest.skip("no Docker engine (run .ci/docker-setup.sh)")
    provider = provider_from_env(_environ("docker"))
    yield provider
    provider.close()


@pytest.fixture(scope="module")
def local_provider() -> Iterator[ServiceProvider]:
    """A provider that starts every service as a local process, never touching Docker."""
    provider = provider_from_env(_environ("local"))
    yield provider
    provider.close()
