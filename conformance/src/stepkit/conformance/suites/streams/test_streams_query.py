"""Queries: total order equal to :func:`stepkit.core.ordering.apply_stream_query`, stable pages."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stepkit.conformance import profiles
from stepkit.conformance.harness import Harness, scenario
from stepkit.conformance.suites.common import assert_json_equal
from stepkit.conformance.suites.streams.machine import items_data, queries
from stepkit.core import StreamQuery
from stepkit.core.ordering import apply_stream_query

pytestmark = [pytest.mark.streams, pytest.mark.core]

TIES: dict[str, dict[str, Any]] = {
    f"i{n:02d}": {"n": n % 3, "s": "same"} if n % 4 else {"s": "same"} for n in range(12)
}


@pytest.mark.clause("streams.query.order")
@given(
    data=st.dictionaries(st.sampled_from(["a", "b", "a:b", "10", "2", "🦄", "Z", "z"]), items_data, max_size=8),
    q=queries,
)
@profiles.suite_settings()
def test_streams_query_order_matches_reference(
    harness: Harness, data: dict[str, dict[str, Any]], q: StreamQuery
) -> None:
    async def check() -> None:
        manager = await harness.shared("streams", harness.streams)
        stream = manager.stream("order")
        await stream.clear("g")
        for item_id, item in data.items():
            await stream.set("g", item_id, item)
        expected = apply_stream_query([{**item, "id": i} for i, item in data.items()], q)
        assert_json_equal(await stream.query("g", q), expected, f"query({q!r})")

    harness.run(check())


@pytest.mark.clause("streams.query.order")
@scenario
async def test_streams_query_ties_and_missing_fields(harness: Harness) -> None:
    stream = (await harness.streams()).stream("ties")
    for item_id, item in TIES.items():
        await stream.set("g", item_id, item)
    items = [{**v, "id": k} for k, v in TIES.items()]
    for direction in ("asc", "desc"):
        q = StreamQuery(order_by="n", direction=direction)
        got = [i["id"] for i in await stream.query("g", q)]
        assert got == [i["id"] for i in apply_stream_query(items, q)], f"order_by n {direction}: {got}"
    got = [i["id"] for i in await stream.query("g", where={"s": "same"}, order_by="s", limit=3, offset=2)]
    assert got == ["i02", "i03", "i04"], f"ties must be ordered by id: {got}"


@pytest.mark.clause("streams.query.stable")
@scenario
async def test_streams_query_pages_are_stable(harness: Harness) -> None:
    stream = (await harness.streams()).stream("pages")
    for item_id, item in TIES.items():
        await stream.set("g", item_id, item)
    for order_by in (None, "n", "s"):
        for direction in ("asc", "desc"):
            full = await stream.query("g", order_by=order_by, direction=direction)
            for _ in range(3):
                again = await stream.query("g", order_by=order_by, direction=direction)
                assert again == full, f"the same query (order_by={order_by}, {direction}) returned another order"
            paged: list[Any] = []
            for offset in range(0, len(full) + 3, 3):
                page = await stream.query("g", order_by=order_by, direction=direction, offset=offset, limit=3)
                assert page == await stream.query(
                    "g", order_by=order_by, direction=direction, offset=offset, limit=3
                ), "the same page differs between two calls"
                paged.extend(page)
            assert paged == full, f"paging (order_by={order_by}, {direction}) skipped or repeated items"
