"""The group index: one item per group, so ``group_ids`` never scans the table.

Protocol (it keeps "every live entry's group has an index item" without
transactions):

* **writers** put the group's index item (fresh token, ``at`` = now) *before*
  writing entries of the group. An instance that wrote it less than
  ``index_reuse_seconds`` ago (local monotonic clock) skips that put.
* **cleanup** (``group_ids``, ``clear``) removes an index item only when it was
  last written more than ``index_grace_seconds`` ago, the group holds no live
  entry when checked *after* reading the item, and its token is still the one
  read (a conditional delete).

A writer's entry lands within ``index_reuse_seconds`` (plus its own call
timeout) after its index put, so with clocks within ``clock_skew_seconds`` no
cleanup can have found the group empty and old at once: an index item is only
removed when no entry written under it can be live. A crash between the two
puts leaves at most an index item of an empty group, which cleanup removes.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Any

from stepkit.adapters.aws_common import error_code
from stepkit.adapters.dynamodb_state import layout
from stepkit.adapters.dynamodb_state.config import DynamoDBStateConfig
from stepkit.adapters.dynamodb_state.connection import DynamoDBConnection
from stepkit.adapters.dynamodb_state.layout import EXPIRES_MS, PK, SK, TOKEN, WRITTEN_AT, Item
from stepkit.adapters.dynamodb_state.requests import gather_bounded, query_all

CACHE_SIZE = 10_000
"""Groups whose recent index write an instance remembers."""


class IndexEntry:
    """One group index item as read: group id, token, last write time (epoch ms)."""

    __slots__ = ("group", "token", "written_at")

    def __init__(self, item: Item) -> None:
        self.group: str = item[SK]["S"]
        self.token: str = item.get(TOKEN, {}).get("S", "")
        self.written_at: int = int(item.get(WRITTEN_AT, {}).get("N", "0"))


class GroupIndex:
    """Maintains and reads the group index of one namespace."""

    def __init__(self, db: DynamoDBConnection, config: DynamoDBStateConfig, prefix: str) -> None:
        self._db = db
        self._prefix = prefix
        self._pk = layout.index_pk(prefix)
        self._reuse = config.index_reuse_seconds
        self._grace_ms = int(config.index_grace_seconds * 1000)
        self._written: OrderedDict[str, float] = OrderedDict()
        self._generation = db.generation

    def _key(self, group_id: str) -> Item:
        return {PK: {"S": self._pk}, SK: {"S": group_id}}

    def fresh(self, group_id: str) -> bool:
        """True when this instance wrote the group's index item recently enough to rely on it.

        Never after the connection's generation changed (table lost or DynamoDB unreachable since).
        """
        if self._generation != self._db.generation:
            self._written.clear()
            self._generation = self._db.generation
            return False
        written = self._written.get(group_id)
        if written is None:
            return False
        if time.monotonic() - written < self._reuse:
            self._written.move_to_end(group_id)
            return True
        del self._written[group_id]
        return False

    def remember(self, group_id: str, started: float, generation: int) -> None:
        """Record an index write of ``group_id`` begun at ``started`` (local monotonic) in ``generation``."""
        if self._reuse <= 0 or generation != self._db.generation:
            return
        self._written[group_id] = started
        self._written.move_to_end(group_id)
        while len(self._written) > CACHE_SIZE:
            self._written.popitem(last=False)

    async def ensure(self, group_id: str, operation: str) -> None:
        """Make sure the group's index item exists before entries of the group are written."""
        if self.fresh(group_id):
            return
        started, generation = time.monotonic(), self._db.generation
        item = layout.index_item(self._prefix, group_id, layout.new_token(), layout.now_ms())
        await self._db.call(operation, lambda c: c.put_item(TableName=self._db.table_name, Item=item))
        self.remember(group_id, started, generation)

    async def entries(self, operation: str) -> list[IndexEntry]:
        """Every index item of the namespace (groups that may hold entries)."""
        items = await query_all(self._db, operation, self._pk, (SK, TOKEN, WRITTEN_AT))
        return [IndexEntry(item) for item in items]

    async def read(self, group_id: str, operation: str) -> IndexEntry | None:
        """The group's index item, or None."""
        response = await self._db.call(
            operation, lambda c: c.get_item(TableName=self._db.table_name, Key=self._key(group_id), ConsistentRead=True)
        )
        item = response.get("Item")
        return None if item is None else IndexEntry(item)

    async def has_live_entry(self, group_pk: str, operation: str) -> bool:
        """True when the group partition holds an entry that has not expired."""
        now = layout.now_ms()

        def found(items: list[Item]) -> bool:
            return any(layout.live(item, now) for item in items)

        return found(await query_all(self._db, operation, group_pk, (SK, EXPIRES_MS), limit=100, stop=found))

    def old(self, entry: IndexEntry) -> bool:
        """True when the index item was last written longer than the grace period ago."""
        return layout.now_ms() - entry.written_at > self._grace_ms

    async def drop(self, entry: IndexEntry, operation: str) -> None:
        """Delete the index item unless it was rewritten since ``entry`` was read. Only for empty, old groups."""

        async def delete(client: Any) -> None:
            try:
                await client.delete_item(
                    TableName=self._db.table_name,
                    Key=self._key(entry.group),
                    ConditionExpression="#t = :t",
                    ExpressionAttributeNames={"#t": TOKEN},
                    ExpressionAttributeValues={":t": {"S": entry.token}},
                )
            except Exception as exc:
                if error_code(exc) != "ConditionalCheckFailedException":
                    raise

        await self._db.call(operation, delete)

    async def live_groups(self, operation: str) -> list[str]:
        """Groups holding at least one live entry; index items of old, empty groups are removed on the way."""
        entries = await self.entries(operation)
        alive = await gather_bounded(
            [self.has_live_entry(layout.group_pk(self._prefix, e.group), operation) for e in entries]
        )
        stale = [e for e, ok in zip(entries, alive, strict=True) if not ok and self.old(e)]
        await gather_bounded([self.drop(e, operation) for e in stale])
        return [e.group for e, ok in zip(entries, alive, strict=True) if ok]


__all__ = ["CACHE_SIZE", "GroupIndex", "IndexEntry"]
