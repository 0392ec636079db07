"""Values: round-trip, null, serialization refused before writing, get_many, delete."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given

from stepkit.conformance import profiles
from stepkit.conformance.harness import Harness, scenario
from stepkit.conformance.strategies import json_values
from stepkit.conformance.suites.common import assert_json_equal
from stepkit.core import AdapterSerializationError, StateAdapter

pytestmark = [pytest.mark.state, pytest.mark.core]

NOT_JSON: list[Any] = [
    float("nan"),
    float("inf"),
    -float("inf"),
    {1, 2},
    b"bytes",
    object(),
    (1, 2),
    {1: "int key"},
    [1, float("nan")],
    {"deep": {"x": float("nan")}},
    10**38,
    -(10**38),
    "\ud800",
]


async def _state(harness: Harness) -> StateAdapter:
    return await harness.shared("state", harness.state)


@pytest.mark.clause("state.roundtrip")
@given(value=json_values())
@profiles.suite_settings()
def test_state_values_roundtrip_exactly(harness: Harness, value: Any) -> None:
    async def check() -> None:
        state = await _state(harness)
        other = await harness.shared("state-reader", harness.state)
        await state.set("roundtrip", "k", value)
        assert_json_equal(await state.get("roundtrip", "k"), value, "get after set")
        assert_json_equal(await other.get("roundtrip", "k"), value, "get from a second instance")
        assert_json_equal(await state.get_group("roundtrip"), {"k": value}, "get_group after set")

    harness.run(check())


@pytest.mark.clause("state.roundtrip")
@scenario
async def test_state_edge_values_roundtrip(harness: Harness) -> None:
    state = await harness.state()
    edge: dict[str, Any] = {
        "big": 10**38 - 1,
        "neg_big": -(10**38) + 1,
        "2**53+1": 2**53 + 1,
        "neg_zero": -0.0,
        "float_one": 1.0,
        "int_one": 1,
        "true": True,
        "nul": "\u0000",
        "emoji": "🦄",
        "tiny": 5e-324,
        "nested": {"": [None, {}]},
    }
    for key, value in edge.items():
        await state.set("edges", key, value)
    for key, value in edge.items():
        assert_json_equal(await state.get("edges", key), value, f"value {key}")


@pytest.mark.clause("state.null")
@scenario
async def test_state_null_is_stored(harness: Harness) -> None:
    state = await harness.state()
    assert await state.set("g", "k", None) is None
    assert await state.exists("g", "k") is True, "exists() must be True for a stored null"
    assert await state.get("g", "k") is None
    assert await state.keys("g") == ["k"], "a stored null is a key of its group"
    assert await state.get_group("g") == {"k": None}
    assert "g" in await state.group_ids()
    assert await state.exists("g", "other") is False


@pytest.mark.clause("state.serialization")
@scenario
async def test_state_non_json_refused_before_anything_written(harness: Harness) -> None:
    state = await harness.state()
    await state.set("ser", "existing", "old")
    for bad in NOT_JSON:
        with pytest.raises(AdapterSerializationError):
            await state.set("ser", "existing", bad)
        with pytest.raises(AdapterSerializationError):
            await state.set("ser", "new", bad)
        with pytest.raises(AdapterSerializationError):
            await state.set_many("ser", {"fresh": 1, "new": bad})
    assert await state.get("ser", "existing") == "old", "a refused value overwrote the old one"
    assert await state.exists("ser", "new") is False, "a refused value was written"
    assert await state.exists("ser", "fresh") is False, "set_many wrote part of a refused mapping"
    assert sorted(await state.keys("ser")) == ["existing"]


@pytest.mark.clause("state.get_many")
@scenario
async def test_state_get_many_keeps_order_and_none_for_missing(harness: Harness) -> None:
    state = await harness.state()
    await state.set_many("gm", {"b": 2, "a": 1, "n": None})
    got = await state.get_many("gm", ["missing", "b", "a", "b", "n"])
    assert_json_equal(got, [None, 2, 1, 2, None], "get_many")
    assert await state.get_many("gm", []) == []
    assert_json_equal(await state.get_many("nope", ["a"]), [None], "get_many on a missing group")


@pytest.mark.clause("state.delete")
@scenario
async def test_state_delete_returns_previous_value(harness: Harness) -> None:
    state = await harness.state()
    await state.set("d", "k", {"v": [1, 2]})
    assert_json_equal(await state.delete("d", "k"), {"v": [1, 2]}, "delete return value")
    assert await state.exists("d", "k") is False
    assert await state.delete("d", "k") is None, "deleting an absent key returns None"
    assert "d" not in await state.group_ids(), "a group with no keys left is not listed"
