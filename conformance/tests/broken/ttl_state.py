"""State adapters with TTL over the reference dict: a correct one and one that expires lazily on some reads."""

from __future__ import annotations

import time
from typing import Any, ClassVar

from stepkit.conformance import ConformanceContext
from stepkit.core import Capability, StateFilter, StateItem
from tests.broken.dict_state import DictState, build

_EXPIRY: dict[str, dict[tuple[str, str], float]] = {}


class TtlDictState(DictState):
    """CORRECT: the reference dict plus per-entry deadlines; an expired entry is purged before every read."""

    capabilities: ClassVar[frozenset[Capability]] = DictState.capabilities | {Capability.TTL}

    @property
    def deadlines(self) -> dict[tuple[str, str], float]:
        return _EXPIRY.setdefault(self.config.namespace, {})

    def _stamp(self, group_id: str, key: str, ttl: float | None) -> None:
        if ttl is None:
            self.deadlines.pop((group_id, key), None)
        else:
            self.deadlines[(group_id, key)] = time.monotonic() + ttl

    def purge(self) -> None:
        """Drop every expired entry (and a group left empty)."""
        now = time.monotonic()
        for group_id, key in [entry for entry, deadline in self.deadlines.items() if deadline <= now]:
            del self.deadlines[(group_id, key)]
            entries = self.data.get(group_id, {})
            entries.pop(key, None)
            if not entries:
                self.data.pop(group_id, None)

    async def _set(self, group_id: str, key: str, value: Any, ttl: float | None) -> None:
        await super()._set(group_id, key, value, ttl)
        self._stamp(group_id, key, ttl)

    async def _set_many(self, group_id: str, values: dict[str, Any], ttl: float | None) -> None:
        await super()._set_many(group_id, values, ttl)
        for key in values:
            self._stamp(group_id, key, ttl)

    async def _get(self, group_id: str, key: str) -> Any:
        self.purge()
        return await super()._get(group_id, key)

    async def _exists(self, group_id: str, key: str) -> bool:
        self.purge()
        return await super()._exists(group_id, key)

    async def _keys(self, group_id: str) -> list[str]:
        self.purge()
        return await super()._keys(group_id)

    async def _group_ids(self) -> list[str]:
        self.purge()
        return await super()._group_ids()

    async def _get_group(self, group_id: str) -> dict[str, Any]:
        self.purge()
        return await super()._get_group(group_id)

    async def _items(self, group_id: str | None, filters: list[StateFilter]) -> list[StateItem]:
        self.purge()
        return await super()._items(group_id, filters)


class LazyExpiry(TtlDictState):
    """Hides expired entries from get, exists and keys only; group_ids, get_group, items and
    get_many still return them (expiry checked on some read paths, not all)."""

    def expired(self, group_id: str, key: str) -> bool:
        deadline = self.deadlines.get((group_id, key))
        return deadline is not None and deadline <= time.monotonic()

    async def _get(self, group_id: str, key: str) -> Any:
        return None if self.expired(group_id, key) else await DictState._get(self, group_id, key)

    async def _exists(self, group_id: str, key: str) -> bool:
        return not self.expired(group_id, key) and await DictState._exists(self, group_id, key)

    async def _keys(self, group_id: str) -> list[str]:
        return [k for k in await DictState._keys(self, group_id) if not self.expired(group_id, k)]

    async def _get_many(self, group_id: str, keys: list[str]) -> list[Any]:
        return [await DictState._get(self, group_id, k) for k in keys]

    async def _group_ids(self) -> list[str]:
        return await DictState._group_ids(self)

    async def _get_group(self, group_id: str) -> dict[str, Any]:
        return await DictState._get_group(self, group_id)

    async def _items(self, group_id: str | None, filters: list[StateFilter]) -> list[StateItem]:
        return await DictState._items(self, group_id, filters)


def ttl_factory(ctx: ConformanceContext) -> DictState:
    """The correct reference with TTL (the kit must pass it)."""
    return build(TtlDictState, ctx)


def lazy_expiry(ctx: ConformanceContext) -> DictState:
    return build(LazyExpiry, ctx)
