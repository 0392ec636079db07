"""``items()`` with the 12 filter operators equals :func:`stepkit.core.filtering.matches`."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stepkit.conformance import profiles
from stepkit.conformance.harness import Harness, new_namespace
from stepkit.conformance.suites.common import assert_json_equal
from stepkit.conformance.suites.state.machine import filters
from stepkit.core import FilterOperator, StateFilter
from stepkit.core.filtering import matches

pytestmark = [pytest.mark.state, pytest.mark.core]

CORPUS: dict[str, Any] = {
    "n1": {"n": 1, "s": "apple", "l": [1, "x"]},
    "n2": {"n": 2.5, "s": "banana", "l": []},
    "n3": {"n": -3, "s": "", "l": [None]},
    "big": {"n": 10**37, "s": "Apple pie"},
    "bool": {"n": True, "s": None},
    "nul": {"n": None},
    "flt": {"n": 1.0, "s": "1"},
    "scalar_s": "apple",
    "scalar_n": 2,
    "scalar_null": None,
    "list": [1, 2, "apple"],
    "empty": {},
}


@pytest.mark.clause("state.items.filters")
@given(fs=st.lists(filters, max_size=3), scope_group=st.booleans())
@profiles.suite_settings()
def test_state_items_filters_match_reference(harness: Harness, fs: list[StateFilter], scope_group: bool) -> None:
    async def check() -> None:
        state = await harness.shared("state", harness.state)
        if not await state.exists("corpus", "n1"):
            await state.set_many("corpus", CORPUS)
            await state.set("other", "n1", {"n": 1})
        got = await state.items("corpus" if scope_group else None, fs)
        actual = sorted(((i.group_id, i.key), i.value) for i in got)
        everything = [("corpus", k, v) for k, v in CORPUS.items()]
        if not scope_group:
            everything.append(("other", "n1", {"n": 1}))
        expected = sorted(((g, k), v) for g, k, v in everything if matches(v, fs))
        assert [p for p, _ in actual] == [p for p, _ in expected], (
            f"items(filters={fs!r}) returned {[p for p, _ in actual]}, expected {[p for p, _ in expected]}"
        )
        assert_json_equal([v for _, v in actual], [v for _, v in expected], "items values")

    harness.run(check())


@pytest.mark.clause("state.items.filters")
def test_state_items_every_operator(harness: Harness) -> None:
    async def check() -> None:
        state = await harness.state(new_namespace())
        await state.set_many("corpus", CORPUS)
        probes: list[tuple[str | None, Any]] = [
            ("n", 1),
            ("s", "apple"),
            ("s", "App"),
            ("l", "x"),
            (None, "apple"),
            ("n", 2),
            (None, 2),
            ("s", "e"),
            ("n", None),
            ("l", None),
        ]
        for operator in FilterOperator:
            for value_key, value in probes:
                condition = StateFilter(value_key=value_key, operator=operator, value=value)
                got = sorted(i.key for i in await state.items("corpus", [condition]))
                expected = sorted(k for k, v in CORPUS.items() if matches(v, [condition]))
                assert got == expected, f"{operator.value} valueKey={value_key!r} value={value!r}: {got} != {expected}"

    harness.run(check())
