"""The strict JSON codec."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stepkit.core.errors import AdapterSerializationError, ValueTooLargeError
from stepkit.core.json_codec import MAX_DEPTH, MAX_INT, check_json, dumps, dumps_bytes, json_equal, loads

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-MAX_INT + 1, max_value=MAX_INT - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=20,
)


@given(json_values)
def test_round_trip_keeps_types_exactly(value: object) -> None:
    assert json_equal(loads(dumps(value)), value)


@pytest.mark.parametrize(
    "value",
    [
        float("nan"),
        float("inf"),
        -float("inf"),
        {1, 2},
        b"x",
        (1, 2),
        object(),
        {1: "a"},
        {"a": {None: 1}},
        MAX_INT,
        -MAX_INT,
        "\ud800",
        {"\udfff": 1},
        [1, [2, {"x": float("nan")}]],
    ],
    ids=repr,
)
def test_non_json_is_refused(value: object) -> None:
    with pytest.raises(AdapterSerializationError):
        check_json(value)
    with pytest.raises(AdapterSerializationError):
        dumps(value)


def test_error_names_the_thing_and_path() -> None:
    with pytest.raises(AdapterSerializationError, match=r"my value.*\$\['a'\]\[1\]"):
        check_json({"a": [1, float("nan")]}, "my value")


def test_edge_values_round_trip() -> None:
    for value in [MAX_INT - 1, -(MAX_INT - 1), 2**63, -0.0, 0.0, 1.0, 1, "\u0000", "emoji 🎉", 1e308, 5e-324, [], {}]:
        back = loads(dumps(value))
        assert type(back) is type(value)
        assert json_equal(back, value)
    assert math.copysign(1.0, loads(dumps(-0.0))) == -1.0


def test_bool_subclass_of_int_is_kept_apart() -> None:
    assert loads(dumps(True)) is True
    assert not json_equal(True, 1)
    assert not json_equal(1, 1.0)
    assert not json_equal(0.0, -0.0)
    assert json_equal({"a": [1, 2.5]}, {"a": [1, 2.5]})
    assert not json_equal([1], [1, 2])


def test_depth_limit() -> None:
    value: object = 1
    for _ in range(MAX_DEPTH):
        value = [value]
    check_json(value)
    with pytest.raises(AdapterSerializationError, match="deeper"):
        check_json([value])


def test_size_limit_reports_numbers() -> None:
    with pytest.raises(ValueTooLargeError) as info:
        dumps("x" * 100, "item", max_bytes=50)
    assert (info.value.size, info.value.limit) == (102, 50)
    assert "102" in str(info.value)
    assert "50" in str(info.value)
    assert dumps_bytes("é", max_bytes=4) == '"é"'.encode()
    with pytest.raises(ValueTooLargeError):
        dumps_bytes("é" * 3, max_bytes=4)


def test_loads_refuses_nan_and_garbage() -> None:
    with pytest.raises(AdapterSerializationError):
        loads("NaN")
    with pytest.raises(AdapterSerializationError):
        loads("{")
    with pytest.raises(AdapterSerializationError):
        loads(b"\xff")


def test_str_subclass_is_refused() -> None:
    class Name(str):
        pass

    with pytest.raises(AdapterSerializationError):
        check_json(Name("x"))
