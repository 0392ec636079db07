"""Stream item, change event, channel and query models."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

StreamEventType = Literal["create", "update", "delete", "event"]


class StreamItem(BaseModel):
    """An item of a stream: its place ``(stream, group_id, id)`` and its data.

    ``data`` always contains ``"id": id``.
    """

    model_config = ConfigDict(frozen=True)

    stream: str
    group_id: str
    id: str
    data: dict[str, Any]


class StreamChannel(BaseModel):
    """Where stream events are delivered: a whole group, or one item of it."""

    model_config = ConfigDict(frozen=True)

    group_id: str
    item_id: str | None = None


class StreamEvent(BaseModel):
    """A change event (``create``/``update``/``delete``) or a custom ``event``.

    For change events ``item_id`` is set and ``data`` is the item (for
    ``delete``, the removed item). For custom events ``name`` is the event's
    type and ``data`` its payload.
    """

    model_config = ConfigDict(frozen=True)

    stream: str
    group_id: str
    item_id: str | None = None
    type: StreamEventType
    name: str | None = None
    data: Any = None


class StreamQuery(BaseModel):
    """A page of a group, in a total order.

    * ``where``: equality on top-level fields (JSON equality).
    * ``order_by``: a top-level field; ``None`` orders by ``id``.
    * ``direction``: ``asc`` or ``desc``; ``desc`` is the exact reverse of ``asc``.
    * ``offset``/``limit``: the page.

    The order is that of :func:`stepkit.core.ordering.stream_sort_key`: items
    missing the field first, then by the field's JSON value, ties by ``id``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    where: dict[str, Any] | None = None
    order_by: str | None = None
    direction: Literal["asc", "desc"] = "asc"
    offset: int = Field(default=0, ge=0)
    limit: int | None = Field(default=None, ge=0)


__all__ = ["StreamChannel", "StreamEvent", "StreamEventType", "StreamItem", "StreamQuery"]
