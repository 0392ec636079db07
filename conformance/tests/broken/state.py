"""Deliberately broken state adapters: each breaks exactly one promise of the contract."""

from __future__ import annotations

import asyncio
import copy
import json
import pickle
from typing import Any, ClassVar

from stepkit.conformance import ConformanceContext
from stepkit.core import Capability, StateFilter, StateItem
from stepkit.core.config import AdapterConfig
from stepkit.core.filtering import matches
from stepkit.core.protocols.state import UpdateFn, call_update_fn
from tests.broken.dict_state import DictState, SizedDictState, build


class PrefixClear(DictState):
    """clear('a') also clears 'ab', 'a:b', ... (a prefix scan instead of an exact match)."""

    async def _clear(self, group_id: str) -> None:
        for group in [g for g in self.data if g.startswith(group_id)]:
            del self.data[group]


class CollidingKeys(DictState):
    """Stores under 'group:key' in one flat dict, so ('a', 'b:c') collides with ('a:b', 'c')."""

    @property
    def flat(self) -> dict[str, Any]:
        return self.data.setdefault("__flat__", {})

    def _split(self) -> dict[str, dict[str, Any]]:
        grouped: dict[str, dict[str, Any]] = {}
        for joined, value in self.flat.items():
            group, _, key = joined.partition(":")
            grouped.setdefault(group, {})[key] = value
        return grouped

    async def _get(self, group_id: str, key: str) -> Any:
        return self.flat.get(f"{group_id}:{key}")

    async def _exists(self, group_id: str, key: str) -> bool:
        return f"{group_id}:{key}" in self.flat

    async def _set(self, group_id: str, key: str, value: Any, ttl: float | None) -> None:
        self.flat[f"{group_id}:{key}"] = value

    async def _set_many(self, group_id: str, values: dict[str, Any], ttl: float | None) -> None:
        for key, value in values.items():
            await self._set(group_id, key, value, ttl)

    async def _delete(self, group_id: str, key: str) -> Any:
        return self.flat.pop(f"{group_id}:{key}", None)

    async def _keys(self, group_id: str) -> list[str]:
        return list(self._split().get(group_id, {}))

    async def _group_ids(self) -> list[str]:
        return list(self._split())

    async def _get_group(self, group_id: str) -> dict[str, Any]:
        return self._split().get(group_id, {})

    async def _clear(self, group_id: str) -> None:
        for joined in [j for j in self.flat if j.partition(":")[0] == group_id]:
            del self.flat[joined]


class LostUpdate(DictState):
    """update() reads, yields, then writes: concurrent increments are lost."""

    async def _update(self, group_id: str, key: str, fn: UpdateFn) -> Any:
        current = await self._get(group_id, key)
        await asyncio.sleep(0.001)
        new = await call_update_fn(fn, current, key)
        await self._set(group_id, key, new, None)
        return new


class TtlIgnored(DictState):
    """Does not declare TTL, yet accepts ttl= and silently ignores it."""

    async def set(self, group_id: str, key: str, value: Any, *, ttl: float | None = None) -> Any:
        return await super().set(group_id, key, value)

    async def set_many(self, group_id: str, values: Any, *, ttl: float | None = None) -> None:
        await super().set_many(group_id, values)


class NanAccepted(DictState):
    """Skips the JSON check: NaN and friends are stored (the way json.dumps allows them)."""

    async def set(self, group_id: str, key: str, value: Any, *, ttl: float | None = None) -> Any:
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            return await super().set(group_id, key, value)
        await self._set(group_id, key, value, ttl)
        return value


class NullDeletes(DictState):
    """set(g, k, None) deletes the key instead of storing null."""

    async def _set(self, group_id: str, key: str, value: Any, ttl: float | None) -> None:
        if value is None:
            await self._delete(group_id, key)
        else:
            await super()._set(group_id, key, value, ttl)


class PartialSetMany(DictState):
    """set_many writes key by key and stops at the first bad value, leaving a partial write."""

    capabilities: ClassVar[frozenset[Capability]] = DictState.capabilities

    async def set_many(self, group_id: str, values: Any, *, ttl: float | None = None) -> None:
        for key, value in values.items():
            await self.set(group_id, key, value)


_PICKLED: dict[str, dict[bytes, Any]] = {}


class PickledKeys(DictState):
    """Keys its store by ``pickle.dumps((group_id, key))``: pickle memoises a repeated object, so the
    same str object as group and key pickles differently from two equal copies (one key split in two)."""

    @property
    def store(self) -> dict[bytes, Any]:
        return _PICKLED.setdefault(self.config.namespace, {})

    def entries(self) -> list[tuple[str, str, Any]]:
        return [(*pickle.loads(raw), value) for raw, value in self.store.items()]

    async def _get(self, group_id: str, key: str) -> Any:
        return copy.deepcopy(self.store.get(pickle.dumps((group_id, key))))

    async def _exists(self, group_id: str, key: str) -> bool:
        return pickle.dumps((group_id, key)) in self.store

    async def _keys(self, group_id: str) -> list[str]:
        return [k for g, k, _ in self.entries() if g == group_id]

    async def _group_ids(self) -> list[str]:
        return list(dict.fromkeys(g for g, _, _ in self.entries()))

    async def _get_group(self, group_id: str) -> dict[str, Any]:
        return {k: copy.deepcopy(v) for g, k, v in self.entries() if g == group_id}

    async def _items(self, group_id: str | None, filters: list[StateFilter]) -> list[StateItem]:
        return [
            StateItem(group_id=g, key=k, value=copy.deepcopy(v))
            for g, k, v in self.entries()
            if (group_id is None or g == group_id) and matches(v, filters)
        ]

    async def _set(self, group_id: str, key: str, value: Any, ttl: float | None) -> None:
        self.store[pickle.dumps((group_id, key))] = copy.deepcopy(value)

    async def _set_many(self, group_id: str, values: dict[str, Any], ttl: float | None) -> None:
        for key, value in values.items():
            await self._set(group_id, key, value, ttl)

    async def _delete(self, group_id: str, key: str) -> Any:
        return self.store.pop(pickle.dumps((group_id, key)), None)

    async def _clear(self, group_id: str) -> None:
        for raw in [raw for raw in self.store if pickle.loads(raw)[0] == group_id]:
            del self.store[raw]


def pickled_keys(ctx: ConformanceContext) -> DictState:
    return build(PickledKeys, ctx)


def prefix_clear(ctx: ConformanceContext) -> DictState:
    return build(PrefixClear, ctx)


def colliding_keys(ctx: ConformanceContext) -> DictState:
    return build(CollidingKeys, ctx)


def lost_update(ctx: ConformanceContext) -> DictState:
    return build(LostUpdate, ctx)


def ttl_ignored(ctx: ConformanceContext) -> DictState:
    return build(TtlIgnored, ctx)


def nan_accepted(ctx: ConformanceContext) -> DictState:
    return build(NanAccepted, ctx)


def null_deletes(ctx: ConformanceContext) -> DictState:
    return build(NullDeletes, ctx)


def partial_set_many(ctx: ConformanceContext) -> DictState:
    return build(PartialSetMany, ctx)


class ProcessLocalButCrossProcess(DictState):
    """Keeps data in process memory but declares CROSS_PROCESS."""

    capabilities: ClassVar[frozenset[Capability]] = frozenset({Capability.ATOMIC_UPDATE, Capability.CROSS_PROCESS})


def cross_process_liar(ctx: ConformanceContext) -> DictState:
    return build(ProcessLocalButCrossProcess, ctx)


class LooseConfig(AdapterConfig):
    """Redeclares ``operation_timeout`` without its rule, so a negative timeout is accepted."""

    operation_timeout: float = 2.0


class AcceptsBadConfig(DictState):
    """Built from a config model that does not validate ``operation_timeout``."""

    config_model: ClassVar[type[AdapterConfig]] = LooseConfig


def accepts_bad_config(ctx: ConformanceContext) -> DictState:
    return build(AcceptsBadConfig, ctx)


class WritesBeforeSizeCheck(SizedDictState):
    """Checks ``max_value_bytes`` only after the value was written."""

    async def _set(self, group_id: str, key: str, value: Any, ttl: float | None) -> None:
        await DictState._set(self, group_id, key, value, ttl)
        self.check_size([value])

    async def _set_many(self, group_id: str, values: dict[str, Any], ttl: float | None) -> None:
        await DictState._set_many(self, group_id, values, ttl)
        self.check_size(list(values.values()))


def writes_before_size_check(ctx: ConformanceContext) -> DictState:
    return build(WritesBeforeSizeCheck, ctx)
