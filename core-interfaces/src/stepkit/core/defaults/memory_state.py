"""``MemoryStateAdapter``: state in process memory, shared through a :class:`MemoryBackend`."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import Any, ClassVar

from stepkit.core.capabilities import Capability
from stepkit.core.config import AdapterConfig
from stepkit.core.defaults.memory_backend import MemoryBackend, open_store
from stepkit.core.defaults.memory_config import MemoryConfig
from stepkit.core.defaults.memory_groups import MemoryGroups, expiry
from stepkit.core.errors import AdapterConflictError
from stepkit.core.filtering import matches
from stepkit.core.json_codec import JSONValue, dumps, loads
from stepkit.core.models.state import StateFilter, StateItem
from stepkit.core.protocols.state import StateAdapter, UpdateFn, call_update_fn


class MemoryStateAdapter(StateAdapter):
    """State kept in this process's memory.

    Guarantees: instances built on the same backend object (or from configs
    with equal ``store``) and the same ``namespace`` are one logical store;
    other namespaces are invisible. Values are stored as JSON text, so they
    round-trip exactly and callers cannot mutate stored data. ``set_many`` is
    applied atomically. ``update`` is linearizable per key (optimistic
    compare-and-set on a per-write version, retried until it wins; a
    synchronous ``fn`` never needs a retry; after ``operation_timeout`` of
    lost races it raises ``AdapterConflictError`` having written nothing)
    and keeps the entry's TTL. TTL uses the monotonic clock; expired entries
    are invisible at once.

    Data lives as long as the process; nothing is persisted.
    """

    name: ClassVar[str] = "memory"
    capabilities: ClassVar[frozenset[Capability]] = frozenset({Capability.TTL, Capability.ATOMIC_UPDATE})
    config_model: ClassVar[type[AdapterConfig]] = MemoryConfig

    def __init__(
        self, config: AdapterConfig | Mapping[str, Any] | None = None, *, backend: MemoryBackend | None = None
    ) -> None:
        super().__init__(config)
        assert isinstance(self.config, MemoryConfig)
        settings = self.config
        self.backend, self._data = open_store(backend, settings.store, "state", settings.namespace, MemoryGroups)

    async def _get(self, group_id: str, key: str) -> JSONValue:
        entry = self._data.get(group_id, key)
        return None if entry is None else loads(entry.text)

    async def _exists(self, group_id: str, key: str) -> bool:
        return self._data.get(group_id, key) is not None

    async def _get_many(self, group_id: str, keys: list[str]) -> list[JSONValue]:
        group = self._data.group(group_id)
        return [loads(group[k]) if k in group else None for k in keys]

    async def _keys(self, group_id: str) -> list[str]:
        return list(self._data.group(group_id))

    async def _group_ids(self) -> list[str]:
        return self._data.groups()

    async def _get_group(self, group_id: str) -> dict[str, JSONValue]:
        return {k: loads(t) for k, t in self._data.group(group_id).items()}

    async def _items(self, group_id: str | None, filters: list[StateFilter]) -> list[StateItem]:
        groups = [group_id] if group_id is not None else self._data.groups()
        found: list[StateItem] = []
        for group in groups:
            for key, text in self._data.group(group).items():
                value = loads(text)
                if matches(value, filters):
                    found.append(StateItem(group_id=group, key=key, value=value))
        return found

    async def _set(self, group_id: str, key: str, value: JSONValue, ttl: float | None) -> None:
        self._data.put(group_id, {key: dumps(value, f"state value for key {key!r}")}, expiry(ttl))

    async def _set_many(self, group_id: str, values: dict[str, JSONValue], ttl: float | None) -> None:
        encoded = {k: dumps(v, f"state value for key {k!r}") for k, v in values.items()}
        self._data.put(group_id, encoded, expiry(ttl))

    async def _delete(self, group_id: str, key: str) -> JSONValue:
        removed = self._data.delete(group_id, key)
        return None if removed is None else loads(removed.text)

    async def _clear(self, group_id: str) -> None:
        self._data.clear(group_id)

    async def _update(self, group_id: str, key: str, fn: UpdateFn) -> JSONValue:
        give_up = time.monotonic() + self.config.operation_timeout
        while True:
            entry = self._data.get(group_id, key)
            current = None if entry is None else loads(entry.text)
            new_value = await call_update_fn(fn, current, key)
            text = dumps(new_value, f"update result for key {key!r}")
            if self._data.compare_and_set(group_id, key, entry.version if entry else 0, text):
                return new_value
            if time.monotonic() > give_up:
                raise AdapterConflictError(
                    f"update of {key!r} in group {group_id!r} lost every race to concurrent writers for "
                    f"{self.config.operation_timeout:g}s; nothing was written"
                )
            await asyncio.sleep(0)


__all__ = ["MemoryStateAdapter"]
