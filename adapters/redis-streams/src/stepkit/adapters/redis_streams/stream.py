"""One named stream on Redis.

Key layout (``P`` = ``{key_prefix}:{<encoded namespace>}``):

* ``P:i:<encoded stream>:<encoded group>``: hash, field = item id, value = item JSON.
* ``P:c:<encoded stream>:<encoded group>``: the pub/sub channel of the group's events.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from stepkit.adapters.redis_common.connection import RedisConnection
from stepkit.adapters.redis_streams.hub import LocalSubscription, PubSubHub
from stepkit.adapters.redis_streams.scripts import CLEAR, DELETE, SET
from stepkit.core.capabilities import Capability
from stepkit.core.errors import AdapterSerializationError
from stepkit.core.json_codec import JSONValue, dumps, loads
from stepkit.core.models.streams import StreamChannel, StreamEvent, StreamQuery
from stepkit.core.ordering import apply_stream_query
from stepkit.core.protocols.streams import StreamAdapter, StreamHandler, StreamSubscription


def _id_json(item_id: str) -> str:
    return json.dumps(item_id, ensure_ascii=False)


class RedisStreamAdapter(StreamAdapter):
    """A stream whose groups are Redis hashes and whose events travel over pub/sub.

    Guarantees: each write and its change event are one atomic script, so
    subscribers on every instance see events in write order per item; live
    delivery is at-most-once (a subscriber that is not connected when an event
    is published misses it; ``REPLAY`` is not declared).
    """

    def __init__(self, name: str, capabilities: frozenset[Capability], redis: RedisConnection, hub: PubSubHub) -> None:
        super().__init__(name, capabilities)
        self._redis = redis
        self._hub = hub
        self._subscriptions: dict[str, StreamSubscription] = {}

    def _hash(self, group_id: str) -> str:
        return self._redis.keys.key("i", self.name, group_id)

    def _channel(self, group_id: str) -> str:
        return self._redis.keys.key("c", self.name, group_id)

    # -- items ------------------------------------------------------------
    async def _get(self, group_id: str, item_id: str) -> dict[str, JSONValue] | None:
        raw = await self._redis.call("stream get", "HGET", self._hash(group_id), item_id)
        return None if raw is None else _item(raw)

    async def _set(self, group_id: str, item_id: str, item: dict[str, JSONValue]) -> dict[str, JSONValue]:
        text = dumps(item, checked=True)
        args = (item_id, text, self._channel(group_id), _id_json(item_id))
        await self._redis.script("stream set", SET, (self._hash(group_id),), args)
        return item

    async def _delete(self, group_id: str, item_id: str) -> dict[str, JSONValue] | None:
        args = (item_id, self._channel(group_id), _id_json(item_id))
        old = await self._redis.script("stream delete", DELETE, (self._hash(group_id),), args)
        return None if old is None else _item(old)

    async def _get_group(self, group_id: str) -> list[dict[str, JSONValue]]:
        items = await self._items(group_id)
        items.sort(key=lambda item: item["id"])
        return items

    async def _items(self, group_id: str) -> list[dict[str, JSONValue]]:
        raws = await self._redis.call("stream get_group", "HVALS", self._hash(group_id))
        return [_item(raw) for raw in raws]

    async def _clear(self, group_id: str) -> None:
        await self._redis.script("stream clear", CLEAR, (self._hash(group_id),), (self._channel(group_id),))

    async def _query(self, group_id: str, query: StreamQuery) -> list[dict[str, JSONValue]]:
        return apply_stream_query(await self._items(group_id), query)

    # -- events -------------------------------------------------------------
    async def _send(self, event: StreamEvent) -> None:
        message = dumps(
            {"type": "event", "item_id": event.item_id, "name": event.name, "data": event.data}, checked=True
        )
        await self._redis.call("stream send", "PUBLISH", self._channel(event.group_id), message)

    async def _subscribe(self, channel: StreamChannel, handler: StreamHandler, replay: bool) -> StreamSubscription:
        subscription = StreamSubscription(id=uuid.uuid4().hex, stream=self.name, channel=channel, handler=handler)
        local = LocalSubscription(id=subscription.id, item_id=channel.item_id, handler=handler)
        group_id = channel.group_id
        stream = self.name

        def decode(message: dict[str, Any]) -> StreamEvent:
            return StreamEvent(
                stream=stream,
                group_id=group_id,
                item_id=message.get("item_id"),
                type=message["type"],
                name=message.get("name"),
                data=message.get("data"),
            )

        await self._hub.add(self._channel(group_id), decode, local)
        self._subscriptions[subscription.id] = subscription
        return subscription

    async def _unsubscribe(self, subscription: StreamSubscription) -> None:
        if self._subscriptions.pop(subscription.id, None) is not None:
            await self._hub.remove(self._channel(subscription.channel.group_id), subscription.id)

    async def _close(self) -> None:
        for subscription in list(self._subscriptions.values()):
            await self._unsubscribe(subscription)


def _item(raw: bytes) -> dict[str, JSONValue]:
    value = loads(raw, "stored stream item")
    if not isinstance(value, dict):
        raise AdapterSerializationError(f"stored stream item is not an object: {type(value).__name__}")
    return value


__all__ = ["RedisStreamAdapter"]
