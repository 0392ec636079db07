"""Configuration models, the environment, and the adapter registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from stepkit.core.config import AdapterConfig
from stepkit.core.defaults.file_config import FileConfig
from stepkit.core.defaults.file_state import FileStateAdapter
from stepkit.core.defaults.inprocess_events import InProcessEventAdapter
from stepkit.core.defaults.local_cron import LocalCronAdapter
from stepkit.core.defaults.memory_config import InProcessEventsConfig, MemoryConfig
from stepkit.core.defaults.memory_state import MemoryStateAdapter
from stepkit.core.defaults.memory_streams import MemoryStreamManager
from stepkit.core.errors import AdapterConfigurationError
from stepkit.core.registry import (
    adapter_from_env,
    adapter_name_from_env,
    create_adapter,
    installed_adapters,
    load_adapter_class,
)


def test_config_validation_names_field_and_rule() -> None:
    with pytest.raises(AdapterConfigurationError, match="operation_timeout"):
        MemoryConfig.build({"operation_timeout": -1})
    with pytest.raises(AdapterConfigurationError, match="namespace"):
        MemoryConfig.build({"namespace": ""})
    with pytest.raises(AdapterConfigurationError, match="store"):
        MemoryConfig.build({"store": "x" * 300})
    with pytest.raises(AdapterConfigurationError, match="bogus"):
        MemoryConfig.build({"bogus": 1})


def test_build_accepts_model_mapping_and_overrides() -> None:
    config = MemoryConfig(namespace="a")
    assert MemoryConfig.build(config) is config
    assert MemoryConfig.build(config, store="s").store == "s"
    assert MemoryConfig.build({"namespace": "b"}).namespace == "b"
    assert AdapterConfig.build(None).namespace == "stepkit"


def test_from_env_reads_prefixed_fields() -> None:
    env = {"P_NAMESPACE": "ns", "P_OPERATION_TIMEOUT": "2.5", "P_STORE": "s", "P_DRAIN_TIMEOUT": "3"}
    config = InProcessEventsConfig.from_env("P_", env)
    assert (config.namespace, config.operation_timeout, config.store, config.drain_timeout) == ("ns", 2.5, "s", 3.0)
    assert FileConfig.from_env("P_", {"P_DIRECTORY": "/tmp/x"}).directory == Path("/tmp/x")
    with pytest.raises(AdapterConfigurationError, match="P_\\*"):
        MemoryConfig.from_env("P_", {"P_OPERATION_TIMEOUT": "soon"})


def test_adapter_from_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("STEPKIT_STATE_NAMESPACE", "envns")
    adapter = MemoryStateAdapter.from_env()
    assert adapter.config.namespace == "envns"
    monkeypatch.setenv("STEPKIT_STATE_ADAPTER", "file")
    monkeypatch.setenv("STEPKIT_STATE_DIRECTORY", str(tmp_path))
    built = adapter_from_env("state")
    assert isinstance(built, FileStateAdapter)
    assert isinstance(built.config, FileConfig)
    assert built.config.directory == tmp_path


def test_default_names_and_entry_points() -> None:
    assert adapter_name_from_env("state", {}) == "memory"
    assert adapter_name_from_env("events", {}) == "inprocess"
    assert adapter_name_from_env("cron", {"STEPKIT_CRON_ADAPTER": " local "}) == "local"
    assert {"memory", "file"} <= set(installed_adapters("state"))
    assert {"memory", "file"} <= set(installed_adapters("streams"))
    assert load_adapter_class("events", "inprocess") is InProcessEventAdapter
    assert load_adapter_class("cron", "local") is LocalCronAdapter
    assert load_adapter_class("streams", "memory") is MemoryStreamManager


def test_unknown_name_lists_installed() -> None:
    with pytest.raises(AdapterConfigurationError, match=r"no state adapter named 'nope'.*file.*memory"):
        load_adapter_class("state", "nope")
    with pytest.raises(AdapterConfigurationError, match="unknown adapter kind"):
        installed_adapters("queues")


def test_from_url_refused_without_url_field() -> None:
    with pytest.raises(AdapterConfigurationError, match="not configured by URL"):
        MemoryStateAdapter.from_url("memory://x")


async def test_equal_configs_share_data_through_registry(namespace: str) -> None:
    a = create_adapter("state", "memory", {"namespace": namespace})
    b = create_adapter("state", "memory", MemoryConfig(namespace=namespace))
    other_store = create_adapter("state", "memory", {"namespace": namespace, "store": "elsewhere"})
    assert isinstance(a, MemoryStateAdapter)
    assert isinstance(b, MemoryStateAdapter)
    assert isinstance(other_store, MemoryStateAdapter)
    await a.set("g", "k", 1)
    assert await b.get("g", "k") == 1
    assert not await other_store.exists("g", "k")
