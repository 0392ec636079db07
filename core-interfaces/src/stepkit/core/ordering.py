"""The reference total order of stream queries, shared by every adapter.

JSON values are ordered by type first (null < bool < number < string < list <
object), then within the type: numbers numerically, strings by code point,
lists element-wise, objects by their sorted ``(key, value)`` pairs. A query
orders by ``(field present, field value, id)``: items missing the field come
first in ascending order, ties are broken by ``id``, and ``desc`` is the exact
reverse of ``asc``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from stepkit.core.json_codec import json_equal
from stepkit.core.models.streams import StreamQuery


def json_sort_key(value: Any) -> tuple[Any, ...]:
    """A sort key giving the total order of JSON values described above."""
    kind = type(value)
    if value is None:
        return (0,)
    if kind is bool:
        return (1, value)
    if kind in (int, float):
        return (2, value)
    if kind is str:
        return (3, value)
    if kind is list:
        return (4, tuple(json_sort_key(v) for v in value))
    if kind is dict:
        return (5, tuple(sorted((k, json_sort_key(v)) for k, v in value.items())))
    raise TypeError(f"not a JSON value: {kind.__name__}")


def stream_sort_key(item: Mapping[str, Any], order_by: str | None) -> tuple[Any, ...]:
    """The ascending sort key of one stream item for ``order_by``."""
    item_id = item["id"]
    if order_by is None:
        return (item_id,)
    if order_by not in item:
        return (0, (), item_id)
    return (1, json_sort_key(item[order_by]), item_id)


def where_matches(item: Mapping[str, Any], where: Mapping[str, Any] | None) -> bool:
    """True when every ``where`` field is present in ``item`` and JSON-equal."""
    if not where:
        return True
    return all(k in item and json_equal(item[k], v) for k, v in where.items())


def apply_stream_query(items: Iterable[Mapping[str, Any]], query: StreamQuery) -> list[dict[str, Any]]:
    """Filter, order and page ``items`` exactly as ``StreamAdapter.query`` must."""
    selected = [dict(item) for item in items if where_matches(item, query.where)]
    selected.sort(
        key=lambda item: stream_sort_key(item, query.order_by),
        reverse=query.direction == "desc",
    )
    end = None if query.limit is None else query.offset + query.limit
    return selected[query.offset : end]


__all__ = ["apply_stream_query", "json_sort_key", "stream_sort_key", "where_matches"]
