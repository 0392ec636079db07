"""A small, correct in-memory state adapter that the broken state adapters derive from.

Instances with the same namespace share one process-global dict, so several
instances in one test form one store.
"""

from __future__ import annotations

import asyncio
import copy
from typing import Any, ClassVar

from pydantic import Field

from stepkit.conformance import ConformanceContext
from stepkit.core import Capability, StateAdapter, StateFilter, StateItem
from stepkit.core.config import AdapterConfig
from stepkit.core.filtering import matches
from stepkit.core.json_codec import dumps
from stepkit.core.protocols.state import UpdateFn, call_update_fn

_STORES: dict[str, dict[str, dict[str, Any]]] = {}


class DictState(StateAdapter):
    """Correct reference: ``{group: {key: value}}`` per namespace, an asyncio lock for update."""

    name: ClassVar[str] = "dict"
    capabilities: ClassVar[frozenset[Capability]] = frozenset({Capability.ATOMIC_UPDATE})
    _locks: ClassVar[dict[str, asyncio.Lock]] = {}

    @property
    def data(self) -> dict[str, dict[str, Any]]:
        return _STORES.setdefault(self.config.namespace, {})

    async def _get(self, group_id: str, key: str) -> Any:
        return copy.deepcopy(self.data.get(group_id, {}).get(key))

    async def _exists(self, group_id: str, key: str) -> bool:
        return key in self.data.get(group_id, {})

    async def _get_many(self, group_id: str, keys: list[str]) -> list[Any]:
        return [await self._get(group_id, k) for k in keys]

    async def _keys(self, group_id: str) -> list[str]:
        return list(self.data.get(group_id, {}))

    async def _group_ids(self) -> list[str]:
        return [g for g, entries in self.data.items() if entries]

    async def _get_group(self, group_id: str) -> dict[str, Any]:
        return copy.deepcopy(self.data.get(group_id, {}))

    async def _items(self, group_id: str | None, filters: list[StateFilter]) -> list[StateItem]:
        return [
            StateItem(group_id=g, key=k, value=copy.deepcopy(v))
            for g, entries in self.data.items()
            if group_id is None or g == group_id
            for k, v in entries.items()
            if matches(v, filters)
        ]

    async def _set(self, group_id: str, key: str, value: Any, ttl: float | None) -> None:
        self.data.setdefault(group_id, {})[key] = copy.deepcopy(value)

    async def _set_many(self, group_id: str, values: dict[str, Any], ttl: float | None) -> None:
        self.data.setdefault(group_id, {}).update(copy.deepcopy(values))

    async def _delete(self, group_id: str, key: str) -> Any:
        entries = self.data.get(group_id, {})
        previous = entries.pop(key, None)
        if not entries:
            self.data.pop(group_id, None)
        return previous

    async def _clear(self, group_id: str) -> None:
        self.data.pop(group_id, None)

    async def _update(self, group_id: str, key: str, fn: UpdateFn) -> Any:
        lock = self._locks.setdefault(self.config.namespace, asyncio.Lock())
        async with lock:
            new = await call_update_fn(fn, await self._get(group_id, key), key)
            await self._set(group_id, key, new, None)
            return new


class SizedConfig(AdapterConfig):
    """The base config plus a size limit (``max_value_bytes``)."""

    max_value_bytes: int = Field(default=65536, ge=16)


class SizedDictState(DictState):
    """Correct reference with a size limit: values over ``max_value_bytes`` are refused before writing."""

    config_model: ClassVar[type[AdapterConfig]] = SizedConfig

    @property
    def limit(self) -> int:
        assert isinstance(self.config, SizedConfig)
        return self.config.max_value_bytes

    def check_size(self, values: list[Any]) -> None:
        for value in values:
            dumps(value, "state value", max_bytes=self.limit)

    async def _set(self, group_id: str, key: str, value: Any, ttl: float | None) -> None:
        self.check_size([value])
        await super()._set(group_id, key, value, ttl)

    async def _set_many(self, group_id: str, values: dict[str, Any], ttl: float | None) -> None:
        self.check_size(list(values.values()))
        await super()._set_many(group_id, values, ttl)


def build(cls: type[DictState], ctx: ConformanceContext) -> DictState:
    """Build ``cls`` for a conformance context."""
    return cls({"namespace": ctx.namespace, "operation_timeout": ctx.operation_timeout})


def factory(ctx: ConformanceContext) -> DictState:
    """The correct reference (the kit must pass it)."""
    return build(DictState, ctx)


def sized_factory(ctx: ConformanceContext) -> DictState:
    """The correct reference with a size limit (the kit must pass its ``state.size_limit``)."""
    return build(SizedDictState, ctx)
