"""``AcmeDictState``: state in a process-wide dict, one store per namespace.

Guarantees (the stepkit contract for state, within one process):

* instances with the same namespace share one store; other namespaces are invisible;
* values are deep-copied in and out, so JSON values round-trip exactly;
* ``set_many`` is applied in full (the core validated every value first);
* ``update`` is linearizable per namespace (one asyncio lock per namespace),
  hence ``ATOMIC_UPDATE``;
* ``TTL`` is not declared, so the core refuses ``ttl=`` with
  ``AdapterNotSupportedError``.
"""

from __future__ import annotations

import asyncio
import copy
from typing import TYPE_CHECKING, Any, ClassVar

from stepkit.core import Capability, StateAdapter, StateFilter, StateItem
from stepkit.core.filtering import matches
from stepkit.core.protocols.state import UpdateFn, call_update_fn

if TYPE_CHECKING:  # the conformance kit is a test dependency only
    from stepkit.conformance import ConformanceContext

_STORES: dict[str, dict[str, dict[str, Any]]] = {}
_LOCKS: dict[str, asyncio.Lock] = {}


class AcmeDictState(StateAdapter):
    """A correct, minimal state adapter: implement the ``_`` hooks, declare capabilities."""

    name: ClassVar[str] = "acme-dict"
    capabilities: ClassVar[frozenset[Capability]] = frozenset({Capability.ATOMIC_UPDATE})

    @property
    def _groups(self) -> dict[str, dict[str, Any]]:
        return _STORES.setdefault(self.config.namespace, {})

    async def _get(self, group_id: str, key: str) -> Any:
        return copy.deepcopy(self._groups.get(group_id, {}).get(key))

    async def _exists(self, group_id: str, key: str) -> bool:
        return key in self._groups.get(group_id, {})

    async def _get_many(self, group_id: str, keys: list[str]) -> list[Any]:
        entries = self._groups.get(group_id, {})
        return [copy.deepcopy(entries.get(key)) for key in keys]

    async def _keys(self, group_id: str) -> list[str]:
        return list(self._groups.get(group_id, {}))

    async def _group_ids(self) -> list[str]:
        return [group for group, entries in self._groups.items() if entries]

    async def _get_group(self, group_id: str) -> dict[str, Any]:
        return copy.deepcopy(self._groups.get(group_id, {}))

    async def _items(self, group_id: str | None, filters: list[StateFilter]) -> list[StateItem]:
        return [
            StateItem(group_id=group, key=key, value=copy.deepcopy(value))
            for group, entries in self._groups.items()
            if group_id is None or group == group_id
            for key, value in entries.items()
            if matches(value, filters)
        ]

    async def _set(self, group_id: str, key: str, value: Any, ttl: float | None) -> None:
        self._groups.setdefault(group_id, {})[key] = copy.deepcopy(value)

    async def _set_many(self, group_id: str, values: dict[str, Any], ttl: float | None) -> None:
        self._groups.setdefault(group_id, {}).update(copy.deepcopy(values))

    async def _delete(self, group_id: str, key: str) -> Any:
        entries = self._groups.get(group_id, {})
        previous = entries.pop(key, None)
        if not entries:
            self._groups.pop(group_id, None)
        return previous

    async def _clear(self, group_id: str) -> None:
        self._groups.pop(group_id, None)

    async def _update(self, group_id: str, key: str, fn: UpdateFn) -> Any:
        async with _LOCKS.setdefault(self.config.namespace, asyncio.Lock()):
            new = await call_update_fn(fn, await self._get(group_id, key), key)
            await self._set(group_id, key, new, None)
            return new


def factory(ctx: ConformanceContext) -> AcmeDictState:
    """The conformance factory: build (never connect) one instance for ``ctx``."""
    return AcmeDictState({"namespace": ctx.namespace, "operation_timeout": ctx.operation_timeout})
