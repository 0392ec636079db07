"""The state service: JSON values under ``(group_id, key)``."""

from __future__ import annotations

import abc
import math
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, ClassVar

from stepkit.core.adapter import Adapter, AdapterKind
from stepkit.core.capabilities import Capability
from stepkit.core.errors import AdapterSerializationError
from stepkit.core.identifiers import validate_identifier
from stepkit.core.json_codec import JSONValue, check_json
from stepkit.core.models.state import StateFilter, StateItem

UpdateFn = Callable[[JSONValue], JSONValue | Awaitable[JSONValue]]
"""``update``'s function: current value (``None`` if absent) -> new value.

It may be called more than once (optimistic retries), so it must be pure.
"""


def _check_ttl(ttl: float | None) -> None:
    if ttl is not None and (
        isinstance(ttl, bool) or not isinstance(ttl, (int, float)) or not math.isfinite(ttl) or ttl <= 0
    ):
        raise ValueError(f"ttl must be a positive number of seconds, got {ttl!r}")


def _check_value(value: object, key: str) -> None:
    """``check_json(value, f"state value for key {key!r}")``, building the message only on error."""
    try:
        check_json(value)
    except AdapterSerializationError:
        check_json(value, f"state value for key {key!r}")
        raise


class StateAdapter(Adapter):
    """Shared key/value state, one logical store per namespace.

    Public methods validate arguments (identifiers, JSON values, capabilities)
    and then call the ``_``-prefixed hooks that an implementation provides.
    Every guarantee below holds across all instances on the same namespace.
    """

    kind: ClassVar[AdapterKind] = "state"

    # -- reads ------------------------------------------------------------
    async def get(self, group_id: str, key: str) -> JSONValue:
        """The value stored under ``(group_id, key)``, or ``None`` when absent."""
        self._check_open()
        return await self._get(validate_identifier(group_id, "group_id"), validate_identifier(key, "key"))

    async def exists(self, group_id: str, key: str) -> bool:
        """True when a value (even ``null``) is stored under ``(group_id, key)``."""
        self._check_open()
        return await self._exists(validate_identifier(group_id, "group_id"), validate_identifier(key, "key"))

    async def get_many(self, group_id: str, keys: Sequence[str]) -> list[JSONValue]:
        """Values for ``keys`` in the same order, ``None`` for missing ones."""
        self._check_open()
        group_id = validate_identifier(group_id, "group_id")
        checked = [validate_identifier(k, "key") for k in keys]
        if not checked:
            return []
        return await self._get_many(group_id, checked)

    async def keys(self, group_id: str) -> list[str]:
        """The keys of one group, each once, in no particular order."""
        self._check_open()
        return await self._keys(validate_identifier(group_id, "group_id"))

    async def group_ids(self) -> list[str]:
        """The groups that hold at least one key in this namespace, each once."""
        self._check_open()
        return await self._group_ids()

    async def get_group(self, group_id: str) -> dict[str, JSONValue]:
        """Every ``key -> value`` of one group."""
        self._check_open()
        return await self._get_group(validate_identifier(group_id, "group_id"))

    async def items(self, group_id: str | None = None, filters: Sequence[StateFilter] | None = None) -> list[StateItem]:
        """Entries of one group (or all groups) whose values match every filter.

        Filter semantics are exactly :func:`stepkit.core.filtering.matches`.
        """
        self._check_open()
        group = None if group_id is None else validate_identifier(group_id, "group_id")
        conditions = [StateFilter.model_validate(f) for f in (filters or [])]
        for condition in conditions:
            check_json(condition.value, "filter value")
        return await self._items(group, conditions)

    # -- writes -----------------------------------------------------------
    async def set(self, group_id: str, key: str, value: JSONValue, *, ttl: float | None = None) -> JSONValue:
        """Store ``value`` (``None`` stores JSON null) and return it.

        ``ttl`` (seconds) needs the ``TTL`` capability. The value is checked
        before anything is written.
        """
        self._check_open()
        group_id = validate_identifier(group_id, "group_id")
        key = validate_identifier(key, "key")
        _check_value(value, key)
        _check_ttl(ttl)
        if ttl is not None:
            self._require(Capability.TTL, "set(..., ttl=...)")
        await self._set(group_id, key, value, ttl)
        return value

    async def set_many(self, group_id: str, values: Mapping[str, JSONValue], *, ttl: float | None = None) -> None:
        """Store every pair; all of them are applied when this returns, none on error."""
        self._check_open()
        group_id = validate_identifier(group_id, "group_id")
        checked: dict[str, JSONValue] = {}
        for key, value in values.items():
            checked[validate_identifier(key, "key")] = value
            _check_value(value, key)
        _check_ttl(ttl)
        if ttl is not None:
            self._require(Capability.TTL, "set_many(..., ttl=...)")
        if checked:
            await self._set_many(group_id, checked, ttl)

    async def delete(self, group_id: str, key: str) -> JSONValue:
        """Remove the entry and return its previous value (``None`` if absent)."""
        self._check_open()
        return await self._delete(validate_identifier(group_id, "group_id"), validate_identifier(key, "key"))

    async def clear(self, group_id: str) -> None:
        """Remove every entry of ``group_id`` and nothing else."""
        self._check_open()
        await self._clear(validate_identifier(group_id, "group_id"))

    async def update(self, group_id: str, key: str, fn: UpdateFn) -> JSONValue:
        """Atomically replace the value with ``fn(current)`` and return the new value.

        Linearizable per key across all instances: concurrent updates are
        never lost. ``fn`` may run more than once and must be pure; if it
        raises, nothing is written and its exception propagates. Needs
        ``ATOMIC_UPDATE``.
        """
        self._check_open()
        group_id = validate_identifier(group_id, "group_id")
        key = validate_identifier(key, "key")
        self._require(Capability.ATOMIC_UPDATE, "update()")
        return await self._update(group_id, key, fn)

    # -- hooks ------------------------------------------------------------
    @abc.abstractmethod
    async def _get(self, group_id: str, key: str) -> JSONValue: ...

    @abc.abstractmethod
    async def _exists(self, group_id: str, key: str) -> bool: ...

    @abc.abstractmethod
    async def _get_many(self, group_id: str, keys: list[str]) -> list[JSONValue]: ...

    @abc.abstractmethod
    async def _keys(self, group_id: str) -> list[str]: ...

    @abc.abstractmethod
    async def _group_ids(self) -> list[str]: ...

    @abc.abstractmethod
    async def _get_group(self, group_id: str) -> dict[str, JSONValue]: ...

    @abc.abstractmethod
    async def _items(self, group_id: str | None, filters: list[StateFilter]) -> list[StateItem]: ...

    @abc.abstractmethod
    async def _set(self, group_id: str, key: str, value: JSONValue, ttl: float | None) -> None: ...

    @abc.abstractmethod
    async def _set_many(self, group_id: str, values: dict[str, JSONValue], ttl: float | None) -> None: ...

    @abc.abstractmethod
    async def _delete(self, group_id: str, key: str) -> JSONValue: ...

    @abc.abstractmethod
    async def _clear(self, group_id: str) -> None: ...

    async def _update(self, group_id: str, key: str, fn: UpdateFn) -> Any:
        """Hook for adapters declaring ``ATOMIC_UPDATE``."""
        raise NotImplementedError  # pragma: no cover - guarded by _require


async def call_update_fn(fn: UpdateFn, current: JSONValue, key: str) -> JSONValue:
    """Run an update function (sync or async) and check its result is JSON.

    Adapters call this inside their optimistic or server-side update loop.
    """
    result = fn(current)
    if isinstance(result, Awaitable):
        result = await result
    check_json(result, f"update result for key {key!r}")
    return result


__all__ = ["StateAdapter", "UpdateFn", "call_update_fn"]
