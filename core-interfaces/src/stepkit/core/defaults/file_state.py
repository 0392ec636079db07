"""``FileStateAdapter``: state in files, shared by every process on one host."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping
from typing import Any, ClassVar

from stepkit.core.capabilities import Capability
from stepkit.core.config import AdapterConfig
from stepkit.core.deadline import deadline
from stepkit.core.defaults.file_config import FileConfig
from stepkit.core.defaults.file_groups import FileEntry, FileGroups, wall_expiry
from stepkit.core.filtering import matches
from stepkit.core.json_codec import JSONValue, dumps, loads
from stepkit.core.models.state import StateFilter, StateItem
from stepkit.core.protocols.state import StateAdapter, UpdateFn, call_update_fn


def _copy(value: JSONValue) -> JSONValue:
    return loads(dumps(value))


class FileStateAdapter(StateAdapter):
    """State in JSON files under ``directory``, one file per group.

    Guarantees: every instance, in any process on this host, with the same
    ``directory`` and ``namespace`` sees one store (``CROSS_PROCESS``). Each
    write is a read-modify-write of the group's file under that group's
    cross-process file lock, written atomically (temp file, fsync, rename), so
    ``set_many`` is all-or-nothing, ``update`` is linearizable per key, and a
    crash mid-write never corrupts the store. Reads are lock-free and see
    whole files. TTL uses the wall clock. An operation that cannot get the
    lock or the disk within ``operation_timeout`` raises
    ``AdapterUnavailableError``. ``update`` keeps the entry's TTL.
    """

    name: ClassVar[str] = "file"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {Capability.TTL, Capability.ATOMIC_UPDATE, Capability.CROSS_PROCESS}
    )
    config_model: ClassVar[type[AdapterConfig]] = FileConfig

    def __init__(self, config: AdapterConfig | Mapping[str, Any] | None = None) -> None:
        super().__init__(config)
        assert isinstance(self.config, FileConfig)
        self._groups = FileGroups(self.config.namespace_root("state"), self.config.operation_timeout)

    @contextlib.asynccontextmanager
    async def _bounded(self, operation: str) -> AsyncIterator[None]:
        async with deadline(self.config.operation_timeout, backend="file state", operation=operation):
            yield

    def _live(self, group_id: str) -> dict[str, FileEntry]:
        return self._groups.read(group_id)

    async def _get(self, group_id: str, key: str) -> JSONValue:
        async with self._bounded("get"):
            entry = self._live(group_id).get(key)
            return None if entry is None else entry.value

    async def _exists(self, group_id: str, key: str) -> bool:
        async with self._bounded("exists"):
            return key in self._live(group_id)

    async def _get_many(self, group_id: str, keys: list[str]) -> list[JSONValue]:
        async with self._bounded("get_many"):
            entries = self._live(group_id)
            return [entries[k].value if k in entries else None for k in keys]

    async def _keys(self, group_id: str) -> list[str]:
        async with self._bounded("keys"):
            return list(self._live(group_id))

    async def _group_ids(self) -> list[str]:
        async with self._bounded("group_ids"):
            return list(self._groups.groups())

    async def _get_group(self, group_id: str) -> dict[str, JSONValue]:
        async with self._bounded("get_group"):
            return {k: e.value for k, e in self._live(group_id).items()}

    async def _items(self, group_id: str | None, filters: list[StateFilter]) -> list[StateItem]:
        async with self._bounded("items"):
            groups = {group_id: self._live(group_id)} if group_id is not None else self._groups.groups()
            return [
                StateItem(group_id=group, key=key, value=entry.value)
                for group, entries in groups.items()
                for key, entry in entries.items()
                if matches(entry.value, filters)
            ]

    async def _set(self, group_id: str, key: str, value: JSONValue, ttl: float | None) -> None:
        await self._set_many(group_id, {key: value}, ttl)

    async def _set_many(self, group_id: str, values: dict[str, JSONValue], ttl: float | None) -> None:
        expires_at = wall_expiry(ttl)
        stored = {k: FileEntry(_copy(v), expires_at) for k, v in values.items()}
        async with self._bounded("set"), self._groups.transaction(group_id) as txn:
            txn.entries.update(stored)
            self._groups.save(txn)

    async def _delete(self, group_id: str, key: str) -> JSONValue:
        async with self._bounded("delete"), self._groups.transaction(group_id) as txn:
            removed = txn.entries.pop(key, None)
            if removed is None:
                return None
            self._groups.save(txn)
            return removed.value

    async def _clear(self, group_id: str) -> None:
        async with self._bounded("clear"), self._groups.transaction(group_id) as txn:
            txn.entries.clear()
            self._groups.save(txn)

    async def _update(self, group_id: str, key: str, fn: UpdateFn) -> JSONValue:
        failure: Exception | None = None
        async with self._bounded("update"), self._groups.transaction(group_id) as txn:
            current = txn.entries.get(key)
            try:
                new_value = await call_update_fn(fn, None if current is None else current.value, key)
            except Exception as exc:  # noqa: BLE001 - re-raised unchanged below, after the lock
                failure = exc
            else:
                txn.entries[key] = FileEntry(_copy(new_value), None if current is None else current.expires_at)
                self._groups.save(txn)
        if failure is not None:
            raise failure
        return new_value


__all__ = ["FileStateAdapter"]
