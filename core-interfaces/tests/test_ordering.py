"""The total order of stream queries."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stepkit.core.models.streams import StreamQuery
from stepkit.core.ordering import apply_stream_query, json_sort_key

ITEMS: list[dict[str, Any]] = [
    {"id": "c", "n": 1},
    {"id": "a", "n": 2},
    {"id": "b", "n": 1},
    {"id": "d"},
    {"id": "e", "n": None},
    {"id": "f", "n": "x"},
]


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [item["id"] for item in items]


def test_missing_first_then_type_then_value_ties_by_id() -> None:
    page = apply_stream_query(ITEMS, StreamQuery(order_by="n"))
    assert ids(page) == ["d", "e", "b", "c", "a", "f"]


def test_desc_is_exact_reverse() -> None:
    asc = apply_stream_query(ITEMS, StreamQuery(order_by="n"))
    desc = apply_stream_query(ITEMS, StreamQuery(order_by="n", direction="desc"))
    assert ids(desc) == list(reversed(ids(asc)))


def test_default_order_is_by_id_and_paging() -> None:
    assert ids(apply_stream_query(ITEMS, StreamQuery())) == ["a", "b", "c", "d", "e", "f"]
    assert ids(apply_stream_query(ITEMS, StreamQuery(offset=2, limit=2))) == ["c", "d"]
    assert apply_stream_query(ITEMS, StreamQuery(limit=0)) == []
    assert apply_stream_query(ITEMS, StreamQuery(offset=10)) == []


def test_where_is_json_equality() -> None:
    assert ids(apply_stream_query(ITEMS, StreamQuery(where={"n": 1}))) == ["b", "c"]
    assert ids(apply_stream_query(ITEMS, StreamQuery(where={"n": 1.0}))) == []
    assert ids(apply_stream_query(ITEMS, StreamQuery(where={"n": None}))) == ["e"]


def test_json_sort_key_type_order() -> None:
    values: list[Any] = [{"a": 1}, [1], "s", 1, True, None]
    assert sorted(values, key=json_sort_key) == [None, True, 1, "s", [1], {"a": 1}]
    with pytest.raises(TypeError):
        json_sort_key(object())


@given(st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=3), st.booleans()), max_size=8))
def test_paging_partitions_the_order(values: list[Any]) -> None:
    items = [{"id": str(i), "v": v} for i, v in enumerate(values)]
    whole = apply_stream_query(items, StreamQuery(order_by="v"))
    pages = [apply_stream_query(items, StreamQuery(order_by="v", offset=o, limit=3)) for o in range(0, len(items), 3)]
    assert [item for page in pages for item in page] == whole
