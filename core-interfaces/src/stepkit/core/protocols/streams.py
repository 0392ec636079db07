"""The streams service: dict items under ``(group_id, id)`` in named streams."""

from __future__ import annotations

import abc
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from stepkit.core.adapter import Adapter, AdapterKind
from stepkit.core.capabilities import Capability, require_capability
from stepkit.core.errors import AdapterClosedError, AdapterSerializationError
from stepkit.core.identifiers import validate_identifier
from stepkit.core.json_codec import JSONValue, check_json
from stepkit.core.models.streams import StreamChannel, StreamEvent, StreamQuery

StreamHandler = Callable[[StreamEvent], Awaitable[None]]
"""Receives stream events; exceptions are logged and do not stop delivery."""


@dataclass(frozen=True)
class StreamSubscription:
    """A handle returned by :meth:`StreamAdapter.subscribe`."""

    id: str
    stream: str
    channel: StreamChannel
    handler: StreamHandler = field(compare=False, repr=False)


def validate_channel(channel: StreamChannel | Mapping[str, Any]) -> StreamChannel:
    """Coerce and check a channel's identifiers."""
    parsed = StreamChannel.model_validate(channel)
    validate_identifier(parsed.group_id, "group_id")
    if parsed.item_id is not None:
        validate_identifier(parsed.item_id, "item id")
    return parsed


class StreamAdapter(abc.ABC):
    """One named stream. Obtained from :meth:`StreamAdapterManager.stream`.

    Items are dicts; the stored item always has ``"id": id``. Change events
    (``create`` for a new id, ``update`` for an existing one, ``delete`` for a
    removed one, one ``delete`` per item on ``clear``) reach subscribers on
    every instance, in order per item. Unless the adapter declares ``REPLAY``,
    live delivery is at-most-once: a subscriber that is not connected when an
    event is published misses it.
    """

    def __init__(self, name: str, capabilities: frozenset[Capability]) -> None:
        self.name = validate_identifier(name, "stream name")
        self.capabilities = capabilities
        self._closed = False

    def _check_open(self) -> None:
        if self._closed:
            raise AdapterClosedError(f"stream {self.name!r} is closed")

    # -- items ------------------------------------------------------------
    async def get(self, group_id: str, item_id: str) -> dict[str, JSONValue] | None:
        """The item, or ``None`` when absent."""
        self._check_open()
        return await self._get(validate_identifier(group_id, "group_id"), validate_identifier(item_id, "item id"))

    async def set(self, group_id: str, item_id: str, data: Mapping[str, JSONValue]) -> dict[str, JSONValue]:
        """Create or replace the item and return it (with ``id``); emits create/update."""
        self._check_open()
        group_id = validate_identifier(group_id, "group_id")
        item_id = validate_identifier(item_id, "item id")
        if not isinstance(data, Mapping):
            raise AdapterSerializationError(f"stream item {item_id!r} must be a dict, got {type(data).__name__}")
        item = {**dict(data), "id": item_id}
        check_json(item, f"stream item {item_id!r}")
        return await self._set(group_id, item_id, item)

    async def delete(self, group_id: str, item_id: str) -> dict[str, JSONValue] | None:
        """Remove the item and return it (``None`` if absent); emits delete if it existed."""
        self._check_open()
        return await self._delete(validate_identifier(group_id, "group_id"), validate_identifier(item_id, "item id"))

    async def get_group(self, group_id: str) -> list[dict[str, JSONValue]]:
        """Every item of the group, ordered by ``id``."""
        self._check_open()
        return await self._get_group(validate_identifier(group_id, "group_id"))

    async def clear(self, group_id: str) -> None:
        """Remove every item of the group (and no other group); one delete event each."""
        self._check_open()
        await self._clear(validate_identifier(group_id, "group_id"))

    async def query(
        self, group_id: str, query: StreamQuery | Mapping[str, Any] | None = None, **options: Any
    ) -> list[dict[str, JSONValue]]:
        """A page of the group in the total order of :mod:`stepkit.core.ordering`.

        Options are those of :class:`StreamQuery` (``where``, ``order_by``,
        ``direction``, ``offset``, ``limit``). The same query on unchanged
        data returns the same page every time.
        """
        self._check_open()
        group_id = validate_identifier(group_id, "group_id")
        raw: dict[str, Any] = {}
        if isinstance(query, StreamQuery):
            raw.update(query.model_dump())
        elif query is not None:
            raw.update(query)
        raw.update(options)
        parsed = StreamQuery.model_validate(raw)
        if parsed.where:
            check_json(parsed.where, "query where")
        return await self._query(group_id, parsed)

    # -- events -------------------------------------------------------------
    async def send(self, channel: StreamChannel | Mapping[str, Any], name: str, data: JSONValue = None) -> None:
        """Send a custom event ``name`` with ``data`` to a channel's subscribers."""
        self._check_open()
        parsed = validate_channel(channel)
        validate_identifier(name, "event name")
        check_json(data, f"stream event {name!r}")
        await self._send(
            StreamEvent(
                stream=self.name, group_id=parsed.group_id, item_id=parsed.item_id, type="event", name=name, data=data
            )
        )

    async def subscribe(
        self, channel: StreamChannel | Mapping[str, Any], handler: StreamHandler, *, replay: bool = False
    ) -> StreamSubscription:
        """Deliver the channel's events, from any instance, to ``handler``.

        A group channel gets every event of the group; an item channel only
        that item's. Events published after this returns are delivered, in
        order per item. ``replay=True`` first delivers retained history and
        needs ``REPLAY``.
        """
        self._check_open()
        parsed = validate_channel(channel)
        if replay:
            require_capability(self.capabilities, Capability.REPLAY, type(self).__name__, "subscribe(..., replay=True)")
        return await self._subscribe(parsed, handler, replay)

    async def unsubscribe(self, subscription: StreamSubscription) -> None:
        """Stop delivering to that subscription. Idempotent."""
        await self._unsubscribe(subscription)

    async def close(self) -> None:
        """Drop every subscription of this stream handle. Idempotent."""
        if self._closed:
            return
        self._closed = True
        await self._close()

    async def _close(self) -> None:
        """Hook: release per-stream resources."""

    # -- hooks ------------------------------------------------------------
    @abc.abstractmethod
    async def _get(self, group_id: str, item_id: str) -> dict[str, JSONValue] | None: ...

    @abc.abstractmethod
    async def _set(self, group_id: str, item_id: str, item: dict[str, JSONValue]) -> dict[str, JSONValue]: ...

    @abc.abstractmethod
    async def _delete(self, group_id: str, item_id: str) -> dict[str, JSONValue] | None: ...

    @abc.abstractmethod
    async def _get_group(self, group_id: str) -> list[dict[str, JSONValue]]: ...

    @abc.abstractmethod
    async def _clear(self, group_id: str) -> None: ...

    @abc.abstractmethod
    async def _query(self, group_id: str, query: StreamQuery) -> list[dict[str, JSONValue]]: ...

    @abc.abstractmethod
    async def _send(self, event: StreamEvent) -> None: ...

    @abc.abstractmethod
    async def _subscribe(self, channel: StreamChannel, handler: StreamHandler, replay: bool) -> StreamSubscription: ...

    @abc.abstractmethod
    async def _unsubscribe(self, subscription: StreamSubscription) -> None: ...


class StreamAdapterManager(Adapter):
    """Creates :class:`StreamAdapter` handles by stream name, sharing one connection.

    ``stream(name)`` returns the same handle for the same name until closed.
    Closing the manager closes every handle it made.
    """

    kind: ClassVar[AdapterKind] = "streams"

    def __init__(self, config: Any = None) -> None:
        super().__init__(config)
        self._streams: dict[str, StreamAdapter] = {}

    def stream(self, name: str) -> StreamAdapter:
        """The handle for stream ``name`` (created on first use)."""
        self._check_open()
        name = validate_identifier(name, "stream name")
        handle = self._streams.get(name)
        if handle is None or handle._closed:
            handle = self._create_stream(name)
            self._streams[name] = handle
        return handle

    @abc.abstractmethod
    def _create_stream(self, name: str) -> StreamAdapter:
        """Hook: build the handle for one stream."""

    async def close(self) -> None:
        """Close every stream handle, then the manager's resources. Idempotent."""
        if self._closed:
            return
        for handle in list(self._streams.values()):
            await handle.close()
        self._streams.clear()
        await super().close()


__all__ = [
    "StreamAdapter",
    "StreamAdapterManager",
    "StreamHandler",
    "StreamSubscription",
    "validate_channel",
]
