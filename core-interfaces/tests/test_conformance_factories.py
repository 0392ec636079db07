"""The conformance factories registered for the default adapters."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import entry_points

from stepkit.core.adapter import Adapter
from stepkit.core.defaults.conformance import conformance_directory
from stepkit.core.defaults.file_state import FileStateAdapter
from stepkit.core.defaults.local_cron import LocalCronAdapter


@dataclass(frozen=True)
class Context:
    namespace: str
    operation_timeout: float = 2.0
    instance_index: int = 0


EXPECTED = {"memory-state", "file-state", "memory-streams", "file-streams", "inprocess-events", "local-cron"}


async def test_every_factory_builds_an_unconnected_adapter(namespace: str) -> None:
    found = {ep.name: ep for ep in entry_points(group="stepkit.conformance")}
    assert set(found) >= EXPECTED
    for name in EXPECTED:
        adapter = found[name].load()(Context(namespace))
        assert isinstance(adapter, Adapter)
        assert adapter.config.namespace == namespace
        assert adapter.config.operation_timeout == 2.0
        await adapter.close()


async def test_instances_share_and_get_distinct_ids(namespace: str) -> None:
    found = {ep.name: ep for ep in entry_points(group="stepkit.conformance")}
    one = found["file-state"].load()(Context(namespace, instance_index=0))
    two = found["file-state"].load()(Context(namespace, instance_index=1))
    assert isinstance(one, FileStateAdapter)
    assert one.config.directory == conformance_directory()  # type: ignore[attr-defined]
    await one.set("g", "k", 1)
    assert await two.get("g", "k") == 1
    await one.clear("g")
    cron = [found["local-cron"].load()(Context(namespace, instance_index=i)) for i in range(2)]
    assert all(isinstance(c, LocalCronAdapter) for c in cron)
    assert cron[0].instance_id != cron[1].instance_id
