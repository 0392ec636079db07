"""``MemoryStreamManager``: streams in process memory, shared through a :class:`MemoryBackend`."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any, ClassVar

from stepkit.core.capabilities import Capability
from stepkit.core.config import AdapterConfig
from stepkit.core.defaults.memory_backend import MemoryBackend, open_store
from stepkit.core.defaults.memory_config import MemoryConfig
from stepkit.core.defaults.memory_groups import MemoryGroups
from stepkit.core.defaults.stream_handle import HubStream
from stepkit.core.defaults.stream_hub import StreamHub
from stepkit.core.json_codec import JSONValue, dumps, loads
from stepkit.core.models.streams import StreamQuery
from stepkit.core.ordering import apply_stream_query
from stepkit.core.protocols.streams import StreamAdapter, StreamAdapterManager


class MemoryStreamsStore:
    """One namespace's streams: items per stream name, and the namespace's event hub."""

    def __init__(self) -> None:
        self.hub = StreamHub()
        self._lock = threading.Lock()
        self._streams: dict[str, MemoryGroups] = {}

    def groups(self, stream: str) -> MemoryGroups:
        """The items of ``stream`` (created on first use)."""
        with self._lock:
            groups = self._streams.get(stream)
            if groups is None:
                groups = self._streams[stream] = MemoryGroups()
            return groups


class MemoryStream(HubStream):
    """One memory stream. Writes and their change events happen under one lock, so
    subscribers on every instance see events in the order of the writes."""

    def __init__(self, name: str, store: MemoryStreamsStore, timeout: float) -> None:
        super().__init__(name, MemoryStreamManager.capabilities, store.hub, timeout)
        self._data = store.groups(name)

    async def _get(self, group_id: str, item_id: str) -> dict[str, JSONValue] | None:
        entry = self._data.get(group_id, item_id)
        return None if entry is None else loads(entry.text)

    async def _set(self, group_id: str, item_id: str, item: dict[str, JSONValue]) -> dict[str, JSONValue]:
        text = dumps(item, f"stream item {item_id!r}")
        with self._data.lock:
            previous = self._data.put(group_id, {item_id: text}, None)[item_id]
            self._hub.publish(self._change("create" if previous is None else "update", group_id, item_id, item))
        result: dict[str, JSONValue] = loads(text)
        return result

    async def _delete(self, group_id: str, item_id: str) -> dict[str, JSONValue] | None:
        with self._data.lock:
            removed = self._data.delete(group_id, item_id)
            if removed is None:
                return None
            item: dict[str, JSONValue] = loads(removed.text)
            self._hub.publish(self._change("delete", group_id, item_id, item))
        return item

    def _items(self, group_id: str) -> list[dict[str, JSONValue]]:
        return [loads(text) for text in self._data.group(group_id).values()]

    async def _get_group(self, group_id: str) -> list[dict[str, JSONValue]]:
        return apply_stream_query(self._items(group_id), StreamQuery())

    async def _clear(self, group_id: str) -> None:
        with self._data.lock:
            removed = self._data.clear(group_id)
            for item_id in sorted(removed):
                self._hub.publish(self._change("delete", group_id, item_id, loads(removed[item_id])))

    async def _query(self, group_id: str, query: StreamQuery) -> list[dict[str, JSONValue]]:
        return apply_stream_query(self._items(group_id), query)


class MemoryStreamManager(StreamAdapterManager):
    """Streams kept in this process's memory.

    Guarantees: managers built on the same backend object (or from configs
    with equal ``store``) and the same ``namespace`` share items and change
    events; other namespaces are invisible. Change events (``create``,
    ``update``, ``delete``, one ``delete`` per item on ``clear``, custom
    ``send``) reach every matching subscription in order per item. Live
    delivery is at-most-once (no ``REPLAY``): a subscription sees events
    published after ``subscribe`` returned. Nothing is persisted.
    """

    name: ClassVar[str] = "memory"
    capabilities: ClassVar[frozenset[Capability]] = frozenset()
    config_model: ClassVar[type[AdapterConfig]] = MemoryConfig

    def __init__(
        self, config: AdapterConfig | Mapping[str, Any] | None = None, *, backend: MemoryBackend | None = None
    ) -> None:
        super().__init__(config)
        assert isinstance(self.config, MemoryConfig)
        settings = self.config
        self.backend, self._store = open_store(
            backend, settings.store, "streams", settings.namespace, MemoryStreamsStore
        )

    def _create_stream(self, name: str) -> StreamAdapter:
        return MemoryStream(name, self._store, self.config.operation_timeout)


__all__ = ["MemoryStream", "MemoryStreamManager", "MemoryStreamsStore"]
