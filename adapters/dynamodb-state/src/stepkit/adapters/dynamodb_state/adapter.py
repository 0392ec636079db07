"""The DynamoDB state adapter.

Layout (see :mod:`stepkit.adapters.dynamodb_state.layout`): one item per
entry under ``pk = <namespace> g <group>``, ``sk = key``, the value as the
core codec's JSON text; one group index item per group under
``pk = <namespace> i``, ``sk = group``, put before entries of the group are
written (see :mod:`stepkit.adapters.dynamodb_state.group_index`). Reads are
strongly consistent and skip expired entries (DynamoDB's TTL deletes lazily).
``group_ids`` queries the index partition and confirms each group still holds
a live entry, removing index items of old, empty groups (conditionally on
their write token, so a concurrent write is never lost from the index).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any, ClassVar

from stepkit.adapters.aws_common import error_code
from stepkit.adapters.dynamodb_state import layout
from stepkit.adapters.dynamodb_state.config import BACKEND, DYNAMODB_ITEM_LIMIT, DynamoDBStateConfig
from stepkit.adapters.dynamodb_state.connection import DynamoDBConnection
from stepkit.adapters.dynamodb_state.group_index import GroupIndex
from stepkit.adapters.dynamodb_state.layout import EXPIRES_MS, PK, SK, VALUE, VERSION, Item
from stepkit.adapters.dynamodb_state.requests import (
    TRANSACTION_BYTES,
    TRANSACTION_ITEMS,
    batch_delete,
    batch_get,
    gather_bounded,
    query_all,
    transact,
)
from stepkit.core.capabilities import Capability
from stepkit.core.config import AdapterConfig
from stepkit.core.errors import (
    AdapterConfigurationError,
    AdapterConflictError,
    AdapterError,
    AdapterSerializationError,
    AdapterUnavailableError,
)
from stepkit.core.filtering import matches
from stepkit.core.json_codec import JSONValue, dumps, loads
from stepkit.core.models.state import StateFilter, StateItem
from stepkit.core.protocols.state import StateAdapter, UpdateFn, call_update_fn

_MESSAGE_ERRORS = (AdapterError, AdapterUnavailableError, AdapterConflictError, AdapterConfigurationError)
"""Error classes built from a message alone (a partial ``set_many`` re-raises the same class)."""


def _load(item: Item, key: str) -> JSONValue:
    try:
        return loads(item[VALUE]["S"])
    except AdapterSerializationError:
        loads(item[VALUE]["S"], f"stored value for key {key!r}")
        raise


def _is_live(item: Item | None, now: int) -> bool:
    """True when a fetched entry item exists and has not expired."""
    return item is not None and layout.live(item, now)


def _live_value(item: Item | None, key: str, now: int) -> JSONValue:
    """The value of a fetched entry item; None when it is absent or expired."""
    if item is None or not layout.live(item, now):
        return None
    return _load(item, key)


class DynamoDBStateAdapter(StateAdapter):
    """State on DynamoDB: one item per key, group index items, optimistic ``update``.

    Guarantees, across every instance on the namespace and table:

    * reads are strongly consistent and never return an expired entry;
    * every write puts the group's index item first (unless this instance put
      it recently), so ``group_ids`` lists every group holding a live entry;
    * ``set_many`` is one transaction (all-or-nothing) up to 100 keys and
      4 MB; larger mappings are written in such chunks, in order, and a
      failure part-way says how many keys were written;
    * ``update`` is linearizable per key: it conditions its write on the
      entry's write token and retries with backoff when another write won;
    * values and items are size-checked before anything is written.
    """

    name: ClassVar[str] = "dynamodb"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {Capability.ATOMIC_UPDATE, Capability.TTL, Capability.CROSS_PROCESS}
    )
    config_model: ClassVar[type[AdapterConfig]] = DynamoDBStateConfig

    def __init__(self, config: AdapterConfig | dict[str, Any] | None = None) -> None:
        super().__init__(config)
        settings = self.config
        assert isinstance(settings, DynamoDBStateConfig)
        self._settings = settings
        self._db = DynamoDBConnection(settings)
        self._table = settings.table_name
        self._prefix = layout.namespace_prefix(settings.namespace)
        self._index = GroupIndex(self._db, settings, self._prefix)

    @property
    def connection(self) -> DynamoDBConnection:
        """The underlying client holder (table name, bounded calls)."""
        return self._db

    # -- lifecycle --------------------------------------------------------------------
    async def _open(self) -> None:
        await self._db.call("open", lambda c: c.describe_table(TableName=self._table))

    async def _close(self) -> None:
        await self._db.close()

    async def is_healthy(self) -> bool:
        """True while open and DynamoDB answers within the operation timeout. Never raises."""
        return not self._closed and await self._db.ping()

    # -- helpers ---------------------------------------------------------------------
    def _pk(self, group_id: str) -> str:
        return layout.group_pk(self._prefix, group_id)

    def _key(self, group_id: str, key: str) -> Item:
        return {PK: {"S": self._pk(group_id)}, SK: {"S": key}}

    def _encode(self, group_id: str, key: str, value: JSONValue) -> tuple[str, int]:
        """JSON text and item size of a value, both checked against their limits."""
        text = dumps(value, f"state value for key {key!r}", self._settings.max_value_bytes, checked=True)
        size = layout.check_item_size(self._pk(group_id), group_id, key, text, DYNAMODB_ITEM_LIMIT)
        return text, size

    async def _fetch(self, group_id: str, key: str, operation: str, projection: Sequence[str] = ()) -> Item | None:
        """The entry item (strongly consistent); only ``projection`` (plus the key) when given."""
        params: dict[str, Any] = {"TableName": self._table, "Key": self._key(group_id, key), "ConsistentRead": True}
        if projection:
            names = {f"#a{i}": name for i, name in enumerate((SK, *projection))}
            params["ProjectionExpression"] = ", ".join(names)
            params["ExpressionAttributeNames"] = names
        response = await self._db.call(operation, lambda c: c.get_item(**params))
        item: Item | None = response.get("Item")
        return item

    async def _write(self, operation: str, actions: list[dict[str, Any]]) -> bool:
        """One ``TransactWriteItems``; conflicts retried within the update bound."""
        return await transact(
            self._db, operation, actions, self._settings.update_max_attempts, self._settings.update_backoff
        )

    async def _group_entries(self, group_id: str, operation: str, projection: Sequence[str] = ()) -> list[Item]:
        """The live entry items of one group (only ``projection`` plus the key when given)."""
        items = await query_all(self._db, operation, self._pk(group_id), (SK, *projection) if projection else None)
        now = layout.now_ms()
        return [item for item in items if layout.live(item, now)]

    # -- reads ---------------------------------------------------------------------------
    async def _get(self, group_id: str, key: str) -> JSONValue:
        return _live_value(await self._fetch(group_id, key, "get"), key, layout.now_ms())

    async def _exists(self, group_id: str, key: str) -> bool:
        return _is_live(await self._fetch(group_id, key, "exists", (EXPIRES_MS,)), layout.now_ms())

    async def _get_many(self, group_id: str, keys: list[str]) -> list[JSONValue]:
        found = await batch_get(self._db, "get_many", self._pk(group_id), keys)
        now = layout.now_ms()
        return [_live_value(found.get(key), key, now) for key in keys]

    async def _keys(self, group_id: str) -> list[str]:
        return [item[SK]["S"] for item in await self._group_entries(group_id, "keys", (EXPIRES_MS,))]

    async def _group_ids(self) -> list[str]:
        return await self._index.live_groups("group_ids")

    async def _get_group(self, group_id: str) -> dict[str, JSONValue]:
        items = await self._group_entries(group_id, "get_group")
        return {item[SK]["S"]: _load(item, item[SK]["S"]) for item in items}

    async def _items(self, group_id: str | None, filters: list[StateFilter]) -> list[StateItem]:
        groups = [group_id] if group_id is not None else [e.group for e in await self._index.entries("items")]
        contents = await gather_bounded([self._get_group(group) for group in groups])
        return [
            StateItem(group_id=group, key=key, value=value)
            for group, entries in zip(groups, contents, strict=True)
            for key, value in entries.items()
            if matches(value, filters)
        ]

    # -- writes --------------------------------------------------------------------------
    async def _set(self, group_id: str, key: str, value: JSONValue, ttl: float | None) -> None:
        text, _ = self._encode(group_id, key, value)
        entry = layout.entry_item(self._pk(group_id), key, text, layout.new_token(), layout.expiry_ms(ttl))
        await self._index.ensure(group_id, "set")
        await self._db.call("set", lambda c: c.put_item(TableName=self._table, Item=entry))

    async def _set_many(self, group_id: str, values: dict[str, JSONValue], ttl: float | None) -> None:
        encoded = [(key, *self._encode(group_id, key, value)) for key, value in values.items()]
        if len(encoded) == 1:
            await self._set(group_id, encoded[0][0], values[encoded[0][0]], ttl)
            return
        expires = layout.expiry_ms(ttl)
        pk = self._pk(group_id)
        chunks: list[list[tuple[str, str]]] = [[]]
        size = 0
        for key, text, item_size in encoded:
            if len(chunks[-1]) >= TRANSACTION_ITEMS or size + item_size > TRANSACTION_BYTES:
                chunks.append([])
                size = 0
            chunks[-1].append((key, text))
            size += item_size
        await self._index.ensure(group_id, "set_many")
        written = 0
        for chunk in chunks:
            token = layout.new_token()
            actions = [
                {"Put": {"TableName": self._table, "Item": layout.entry_item(pk, key, text, token, expires)}}
                for key, text in chunk
            ]
            try:
                await self._write("set_many", actions)
            except AdapterError as exc:
                if written:
                    kind = type(exc) if type(exc) in _MESSAGE_ERRORS else AdapterError
                    raise kind(
                        f"{exc} (set_many of {len(encoded)} keys in {len(chunks)} transactions: "
                        f"the first {written} keys were written, the rest were not)"
                    ) from exc
                raise
            written += len(chunk)

    async def _delete(self, group_id: str, key: str) -> JSONValue:
        response = await self._db.call(
            "delete",
            lambda c: c.delete_item(TableName=self._table, Key=self._key(group_id, key), ReturnValues="ALL_OLD"),
        )
        return _live_value(response.get("Attributes"), key, layout.now_ms())

    async def _clear(self, group_id: str) -> None:
        index = await self._index.read(group_id, "clear")
        pk = self._pk(group_id)
        items = await query_all(self._db, "clear", pk, (SK,))
        await batch_delete(self._db, "clear", [(pk, item[SK]["S"]) for item in items])
        if index is not None and self._index.old(index) and not await self._index.has_live_entry(pk, "clear"):
            await self._index.drop(index, "clear")

    async def _update(self, group_id: str, key: str, fn: UpdateFn) -> Any:
        pk = self._pk(group_id)
        policy = self._settings.update_backoff
        attempts = self._settings.update_max_attempts
        for attempt in range(1, attempts + 1):
            item = await self._fetch(group_id, key, "update")
            now = layout.now_ms()
            current = _live_value(item, key, now)
            new = await call_update_fn(fn, current, key)
            text, _ = self._encode(group_id, key, new)
            # An update keeps a live entry's expiry; an expired or missing entry becomes permanent.
            expires = layout.expires_of(item) if item is not None and _is_live(item, now) else None
            entry = layout.entry_item(pk, key, text, layout.new_token(), expires)
            await self._index.ensure(group_id, "update")
            if await self._put_if_unchanged(entry, item):
                return new
            await asyncio.sleep(policy.delay(attempt))
        raise AdapterConflictError(
            f"{BACKEND}: update of key {key!r} in group {group_id!r} lost the race {attempts} times in a row"
        )

    async def _put_if_unchanged(self, entry: Item, read: Item | None) -> bool:
        """Put ``entry`` only if the stored entry is still the one read (same write token, or still absent)."""
        if read is None:
            condition: dict[str, Any] = {
                "ConditionExpression": "attribute_not_exists(#k)",
                "ExpressionAttributeNames": {"#k": PK},
            }
        elif VERSION not in read:  # written by something else than this adapter: compare the value
            condition = {
                "ConditionExpression": "#v = :v AND attribute_not_exists(#ver)",
                "ExpressionAttributeNames": {"#v": VALUE, "#ver": VERSION},
                "ExpressionAttributeValues": {":v": read[VALUE]},
            }
        else:
            condition = {
                "ConditionExpression": "#ver = :ver",
                "ExpressionAttributeNames": {"#ver": VERSION},
                "ExpressionAttributeValues": {":ver": read[VERSION]},
            }

        async def put(client: Any) -> bool:
            try:
                await client.put_item(TableName=self._table, Item=entry, **condition)
            except Exception as exc:
                if error_code(exc) == "ConditionalCheckFailedException":
                    return False
                raise
            return True

        return await self._db.call("update", put)


__all__ = ["DynamoDBStateAdapter"]
