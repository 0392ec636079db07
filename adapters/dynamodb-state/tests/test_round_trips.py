"""Values round-trip exactly: stored as the core codec's JSON text in a string attribute."""

from __future__ import annotations

import json
from typing import Any

import pytest

from stepkit.adapters.dynamodb_state import DynamoDBStateAdapter
from stepkit.core.errors import AdapterSerializationError
from stepkit.core.json_codec import json_equal

VALUES: list[Any] = [
    None,
    True,
    0,
    -0.0,
    1.0,
    1.5e-300,
    10**38 - 1,
    -(10**38) + 1,
    2**63,
    "",
    "\u0000",
    "naïve ☃ 🚀",
    [],
    {},
    {"nested": [1, 2.0, {"x": None}], "": "\u0000"},
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
async def test_value_round_trips_exactly(state: DynamoDBStateAdapter, value: Any) -> None:
    await state.set("g", "k", value)
    got = await state.get("g", "k")
    assert json_equal(got, value), (got, value)
    assert json_equal(await state.get_many("g", ["k"]), [value])
    assert json_equal(await state.get_group("g"), {"k": value})


async def test_value_is_stored_as_json_text(state: DynamoDBStateAdapter, stored: Any) -> None:
    await state.set("g", "k", {"big": 10**37, "f": -0.0})
    item = await stored("g", "k")
    assert item["v"] == {"S": '{"big":10000000000000000000000000000000000000,"f":-0.0}'}
    assert json.loads(item["v"]["S"]) == {"big": 10**37, "f": -0.0}
    assert set(item) == {"pk", "sk", "v", "ver"}


async def test_non_json_refused_before_writing(state: DynamoDBStateAdapter) -> None:
    for bad in (float("nan"), {1, 2}, b"x", 10**38):
        with pytest.raises(AdapterSerializationError):
            await state.set("g", "k", bad)
    with pytest.raises(AdapterSerializationError):
        await state.set_many("g", {"ok": 1, "bad": float("inf")})
    assert await state.group_ids() == []
    assert await state.exists("g", "ok") is False
