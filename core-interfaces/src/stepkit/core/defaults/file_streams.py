"""``FileStreamManager``: stream items in files; change events within this process."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from typing import Any, ClassVar

from stepkit.core.capabilities import Capability
from stepkit.core.config import AdapterConfig
from stepkit.core.deadline import deadline
from stepkit.core.defaults.file_config import FileConfig
from stepkit.core.defaults.file_groups import FileEntry, FileGroups
from stepkit.core.defaults.file_names import file_name
from stepkit.core.defaults.memory_backend import MemoryBackend
from stepkit.core.defaults.stream_handle import HubStream
from stepkit.core.defaults.stream_hub import StreamHub
from stepkit.core.json_codec import JSONValue, dumps, loads
from stepkit.core.models.streams import StreamQuery
from stepkit.core.ordering import apply_stream_query
from stepkit.core.protocols.streams import StreamAdapter, StreamAdapterManager

_HUBS = MemoryBackend()
"""One event hub per resolved namespace directory, shared by every manager of this process."""


class FileStream(HubStream):
    """One file stream: one file per group; each write (and its change events)
    happens under the group's file lock, so events are published in write order."""

    def __init__(self, name: str, groups: FileGroups, hub: StreamHub, timeout: float) -> None:
        super().__init__(name, FileStreamManager.capabilities, hub, timeout)
        self._groups = groups

    @contextlib.asynccontextmanager
    async def _bounded(self, operation: str) -> AsyncIterator[None]:
        async with deadline(self._timeout, backend="file streams", operation=f"{operation} on {self.name!r}"):
            yield

    def _items(self, group_id: str) -> list[dict[str, JSONValue]]:
        return [entry.value for entry in self._groups.read(group_id).values()]

    async def _get(self, group_id: str, item_id: str) -> dict[str, JSONValue] | None:
        async with self._bounded("get"):
            entry = self._groups.read(group_id).get(item_id)
            return None if entry is None else entry.value

    async def _set(self, group_id: str, item_id: str, item: dict[str, JSONValue]) -> dict[str, JSONValue]:
        stored: dict[str, JSONValue] = loads(dumps(item, f"stream item {item_id!r}"))
        async with self._bounded("set"), self._groups.transaction(group_id) as txn:
            existed = item_id in txn.entries
            txn.entries[item_id] = FileEntry(stored)
            self._groups.save(txn)
            self._hub.publish(self._change("update" if existed else "create", group_id, item_id, stored))
        result: dict[str, JSONValue] = loads(dumps(stored))
        return result

    async def _delete(self, group_id: str, item_id: str) -> dict[str, JSONValue] | None:
        async with self._bounded("delete"), self._groups.transaction(group_id) as txn:
            removed = txn.entries.pop(item_id, None)
            if removed is None:
                return None
            self._groups.save(txn)
            item: dict[str, JSONValue] = removed.value
            self._hub.publish(self._change("delete", group_id, item_id, item))
            return item

    async def _get_group(self, group_id: str) -> list[dict[str, JSONValue]]:
        async with self._bounded("get_group"):
            return apply_stream_query(self._items(group_id), StreamQuery())

    async def _clear(self, group_id: str) -> None:
        async with self._bounded("clear"), self._groups.transaction(group_id) as txn:
            removed = dict(txn.entries)
            txn.entries.clear()
            self._groups.save(txn)
            for item_id in sorted(removed):
                self._hub.publish(self._change("delete", group_id, item_id, removed[item_id].value))

    async def _query(self, group_id: str, query: StreamQuery) -> list[dict[str, JSONValue]]:
        async with self._bounded("query"):
            return apply_stream_query(self._items(group_id), query)


class FileStreamManager(StreamAdapterManager):
    """Streams whose items live in JSON files under ``directory``.

    Guarantees: items are shared by every instance, in any process on this
    host, with the same ``directory`` and ``namespace``; writes are atomic and
    crash-safe (see :class:`stepkit.core.defaults.file_groups.FileGroups`).
    Change events (``create``/``update``/``delete``, one ``delete`` per item on
    ``clear``, custom ``send``) reach subscriptions of every manager *in this
    process* on the same directory and namespace, in order per item, live and
    at-most-once. They do not cross processes, so ``CROSS_PROCESS`` is not
    declared.
    """

    name: ClassVar[str] = "file"
    capabilities: ClassVar[frozenset[Capability]] = frozenset()
    config_model: ClassVar[type[AdapterConfig]] = FileConfig

    def __init__(self, config: AdapterConfig | Mapping[str, Any] | None = None) -> None:
        super().__init__(config)
        assert isinstance(self.config, FileConfig)
        self._root = self.config.namespace_root("streams")
        self._hub = _HUBS.store("hub", str(self._root.resolve()), StreamHub, StreamHub)

    def _create_stream(self, name: str) -> StreamAdapter:
        groups = FileGroups(self._root / file_name(name, "s"), self.config.operation_timeout)
        return FileStream(name, groups, self._hub, self.config.operation_timeout)


__all__ = ["FileStream", "FileStreamManager"]
