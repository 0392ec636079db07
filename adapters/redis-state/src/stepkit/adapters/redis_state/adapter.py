"""The Redis state adapter.

Key layout (``P`` = ``{key_prefix}:{<encoded namespace>}``):

* ``P:s:<encoded group>``: one hash per group, field = key (raw), value = JSON.
* ``P:groups``: set of the group ids (raw) whose hash is non-empty.

No operation scans the keyspace or uses an identifier as a pattern. Writes
that touch both keys are Lua scripts, so the group index never disagrees
with the hashes. ``update`` is optimistic: read, run ``fn`` client-side,
then compare-and-set in Lua; a lost race retries with backoff.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, ClassVar

from stepkit.adapters.redis_common.connection import RedisConnection
from stepkit.adapters.redis_common.lifecycle import RedisBackedAdapter
from stepkit.adapters.redis_state.config import RedisStateConfig
from stepkit.adapters.redis_state.scripts import CLEAR, COMPARE_AND_SET, DELETE, SET, SET_MANY
from stepkit.core.capabilities import Capability
from stepkit.core.config import AdapterConfig
from stepkit.core.errors import AdapterConflictError, AdapterSerializationError
from stepkit.core.filtering import matches
from stepkit.core.json_codec import JSONValue, dumps, loads
from stepkit.core.models.state import StateFilter, StateItem
from stepkit.core.protocols.state import StateAdapter, UpdateFn, call_update_fn

_GROUP = "s"
_GROUPS = "groups"
_utf8 = bytes.decode
"""Stored field names and group ids are UTF-8 (``bytes.decode``'s default, strict)."""


def _load(raw: bytes | None, key: str) -> JSONValue:
    if raw is None:
        return None
    try:
        return loads(raw)
    except AdapterSerializationError:
        # Decode again only to raise with a message naming the key.
        loads(raw, f"stored value for key {key!r}")
        raise


def _load_all(raws: Sequence[bytes | None], group_id: str) -> list[JSONValue]:
    """Decode stored JSON texts (``None`` -> null) with one parser call.

    Each stored text is one complete JSON value written by ``dumps``, so
    joining them with commas inside brackets is a JSON array of exactly them.
    The error message (naming the group) is only built on failure.
    """
    text = b"[" + b",".join([b"null" if raw is None else raw for raw in raws]) + b"]"
    try:
        decoded = loads(text)
    except AdapterSerializationError:
        loads(text, f"stored values of group {group_id!r}")
        raise
    if len(decoded) != len(raws):  # only if a stored text was not one JSON value
        raise AdapterSerializationError(f"stored values of group {group_id!r}: stored values are corrupt")
    return decoded  # type: ignore[no-any-return]


def _decode_pairs(flat: list[bytes], group_id: str) -> dict[str, JSONValue]:
    keys = list(map(_utf8, flat[0::2]))
    return dict(zip(keys, _load_all(flat[1::2], group_id), strict=True))


class RedisStateAdapter(RedisBackedAdapter, StateAdapter):
    """State on Redis: one hash per group, JSON values, one round trip per call.

    Guarantees (across every instance on the namespace): each public call is
    one Redis round trip except ``update`` (read + conditional write, more on
    contention) and ``items()`` over all groups (index + one batch); writes are
    atomic; ``update`` is linearizable per key. TTL is not supported (Redis 7.0
    has no per-field expiry), so ``ttl=`` is refused.
    """

    name: ClassVar[str] = "redis"
    capabilities: ClassVar[frozenset[Capability]] = frozenset({Capability.ATOMIC_UPDATE, Capability.CROSS_PROCESS})
    config_model: ClassVar[type[AdapterConfig]] = RedisStateConfig

    def __init__(self, config: AdapterConfig | dict[str, Any] | None = None) -> None:
        super().__init__(config)
        settings = self.config
        assert isinstance(settings, RedisStateConfig)
        self._settings = settings
        self._redis = RedisConnection(settings)
        self._groups = self._redis.keys.key(_GROUPS)
        # group id -> its hash key, memoised (bounded LRU)
        self._hash = self._redis.keys.builder(_GROUP)

    # -- reads ------------------------------------------------------------------
    async def _get(self, group_id: str, key: str) -> JSONValue:
        return _load(await self._redis.call("get", "HGET", self._hash(group_id), key), key)

    async def _exists(self, group_id: str, key: str) -> bool:
        return bool(await self._redis.call("exists", "HEXISTS", self._hash(group_id), key))

    async def _get_many(self, group_id: str, keys: list[str]) -> list[JSONValue]:
        raws = await self._redis.call("get_many", "HMGET", self._hash(group_id), *keys)
        return _load_all(raws, group_id)

    async def _keys(self, group_id: str) -> list[str]:
        fields = await self._redis.call("keys", "HKEYS", self._hash(group_id))
        return list(map(_utf8, fields))

    async def _group_ids(self) -> list[str]:
        members = await self._redis.call("group_ids", "SMEMBERS", self._groups)
        return list(map(_utf8, members))

    async def _get_group(self, group_id: str) -> dict[str, JSONValue]:
        flat = await self._redis.call("get_group", "HGETALL", self._hash(group_id))
        return _decode_pairs(flat, group_id)

    async def _items(self, group_id: str | None, filters: list[StateFilter]) -> list[StateItem]:
        async with self._redis.bounded("items"):
            executor = await self._redis.executor()
            if group_id is None:
                members = await executor.execute("SMEMBERS", self._groups)
                groups = list(map(_utf8, members))
            else:
                groups = [group_id]
            flats = await asyncio.gather(*(executor.execute("HGETALL", self._hash(g)) for g in groups))
        items: list[StateItem] = []
        for group, flat in zip(groups, flats, strict=True):
            for key, value in _decode_pairs(flat, group).items():
                if matches(value, filters):
                    items.append(StateItem(group_id=group, key=key, value=value))
        return items

    # -- writes -------------------------------------------------------------------
    async def _set(self, group_id: str, key: str, value: JSONValue, ttl: float | None) -> None:
        text = dumps(value, checked=True)
        await self._redis.script("set", SET, (self._hash(group_id), self._groups), (group_id, key, text))

    async def _set_many(self, group_id: str, values: dict[str, JSONValue], ttl: float | None) -> None:
        args: list[str] = [group_id]
        for key, value in values.items():
            args.append(key)
            args.append(dumps(value, checked=True))
        await self._redis.script("set_many", SET_MANY, (self._hash(group_id), self._groups), tuple(args))

    async def _delete(self, group_id: str, key: str) -> JSONValue:
        old = await self._redis.script("delete", DELETE, (self._hash(group_id), self._groups), (group_id, key))
        return _load(old, key)

    async def _clear(self, group_id: str) -> None:
        await self._redis.script("clear", CLEAR, (self._hash(group_id), self._groups), (group_id,))

    async def _update(self, group_id: str, key: str, fn: UpdateFn) -> Any:
        keys = (self._hash(group_id), self._groups)
        policy = self._settings.update_backoff
        for attempt in range(1, self._settings.update_max_attempts + 1):
            raw = await self._redis.call("update", "HGET", keys[0], key)
            current = _load(raw, key)
            new = await call_update_fn(fn, current, key)
            text = dumps(new, checked=True)
            expected = ("0", "") if raw is None else ("1", raw)
            written = await self._redis.script("update", COMPARE_AND_SET, keys, (group_id, key, *expected, text))
            if written:
                return new
            await asyncio.sleep(policy.delay(attempt))
        raise AdapterConflictError(
            f"redis: update of key {key!r} in group {group_id!r} lost the race "
            f"{self._settings.update_max_attempts} times in a row"
        )


__all__ = ["RedisStateAdapter"]
