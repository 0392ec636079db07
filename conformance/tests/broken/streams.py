"""Deliberately broken stream adapters (subclasses of the core's memory streams)."""

from __future__ import annotations

import random
from typing import Any

from stepkit.conformance import ConformanceContext
from stepkit.core import StreamAdapter, StreamQuery
from stepkit.core.defaults.memory_streams import MemoryStream, MemoryStreamManager
from stepkit.core.ordering import json_sort_key, where_matches


class ShuffledTies(MemoryStream):
    """Sorts by the field only; ties (and items missing it) come out in random order each call."""

    async def _query(self, group_id: str, query: StreamQuery) -> list[dict[str, Any]]:
        items = [i for i in await self._get_group(group_id) if where_matches(i, query.where)]
        random.shuffle(items)
        field = query.order_by or "id"
        items.sort(key=lambda i: (field in i, json_sort_key(i.get(field))), reverse=query.direction == "desc")
        end = None if query.limit is None else query.offset + query.limit
        return items[query.offset : end]


class ShuffledTiesManager(MemoryStreamManager):
    def _create_stream(self, name: str) -> StreamAdapter:
        return ShuffledTies(name, self._store, self.config.operation_timeout)


def unstable_query(ctx: ConformanceContext) -> MemoryStreamManager:
    return ShuffledTiesManager({"namespace": ctx.namespace, "operation_timeout": ctx.operation_timeout})
