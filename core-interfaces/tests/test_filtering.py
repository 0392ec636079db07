"""The twelve state filter operators."""

from __future__ import annotations

from typing import Any

import pytest

from stepkit.core.filtering import matches, matches_filter
from stepkit.core.models.state import FilterOperator, StateFilter


def f(op: str, value: Any = None, key: str | None = "x") -> StateFilter:
    return StateFilter.model_validate({"valueKey": key, "operator": op, "value": value})


CASES: list[tuple[str, Any, Any, bool]] = [
    ("eq", {"x": 1}, 1, True),
    ("eq", {"x": 1}, 1.0, False),
    ("eq", {"x": True}, 1, False),
    ("eq", {}, None, False),
    ("neq", {"x": 1}, 2, True),
    ("neq", {}, 1, True),
    ("neq", {"x": 1}, 1, False),
    ("gt", {"x": 2}, 1, True),
    ("gt", {"x": 1}, 1, False),
    ("gt", {"x": "b"}, "a", True),
    ("gt", {"x": "b"}, 1, False),
    ("gt", {"x": True}, 0, False),
    ("gte", {"x": 1}, 1.0, True),
    ("lt", {"x": 0.5}, 1, True),
    ("lt", {}, 1, False),
    ("lte", {"x": 1}, 1, True),
    ("lte", {"x": 2}, 1, False),
    ("contains", {"x": "hello"}, "ell", True),
    ("contains", {"x": [1, {"a": 2}]}, {"a": 2}, True),
    ("contains", {"x": [1]}, 1.0, False),
    ("contains", {"x": 5}, 5, False),
    ("notContains", {"x": "hello"}, "z", True),
    ("notContains", {}, "z", True),
    ("notContains", {"x": [1]}, 1, False),
    ("startsWith", {"x": "hello"}, "he", True),
    ("startsWith", {"x": "hello"}, "lo", False),
    ("startsWith", {"x": 1}, "1", False),
    ("endsWith", {"x": "hello"}, "lo", True),
    ("endsWith", {"x": "hello"}, "he", False),
    ("isNull", {"x": None}, None, True),
    ("isNull", {}, None, True),
    ("isNull", {"x": 0}, None, False),
    ("isNotNull", {"x": 0}, None, True),
    ("isNotNull", {"x": None}, None, False),
    ("isNotNull", "scalar", None, False),
]


@pytest.mark.parametrize(("op", "value", "wanted", "expected"), CASES)
def test_operator(op: str, value: Any, wanted: Any, expected: bool) -> None:
    assert matches_filter(value, f(op, wanted)) is expected


def test_all_twelve_operators_are_covered() -> None:
    assert {case[0] for case in CASES} == {o.value for o in FilterOperator}


def test_scalar_values_match_without_value_key() -> None:
    assert matches_filter(5, f("gt", 3, key=None))
    assert matches_filter("abc", f("startsWith", "a", key=None))
    assert matches_filter(None, f("isNull", key=None))


def test_filters_combine_with_and() -> None:
    value = {"x": 5, "y": "a"}
    assert matches(value, [])
    assert matches(value, [f("gt", 1), f("eq", "a", key="y")])
    assert not matches(value, [f("gt", 1), f("eq", "b", key="y")])
