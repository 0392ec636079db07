"""Identifiers: bad ones raise ValueError with the rule; distinct ones never collide; no globbing."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable

import pytest

from stepkit.conformance.harness import Harness, scenario
from stepkit.conformance.strategies import LONGEST_IDENTIFIER, NASTY_IDENTIFIERS
from stepkit.core import InvalidIdentifierError

pytestmark = [pytest.mark.state, pytest.mark.core]

BAD = [("", "empty"), ("x" * 257, "257 characters")]


@pytest.mark.clause("state.identifiers.invalid")
@scenario
async def test_state_bad_identifiers_raise_value_error_with_rule(harness: Harness) -> None:
    state = await harness.state()
    for bad, why in BAD:
        calls: list[Callable[[str], Awaitable[object]]] = [
            lambda b: state.set(b, "k", 1),
            lambda b: state.set("g", b, 1),
            lambda b: state.get(b, "k"),
            lambda b: state.get("g", b),
            lambda b: state.delete("g", b),
            lambda b: state.keys(b),
            lambda b: state.clear(b),
            lambda b: state.set_many("g", {b: 1}),
            lambda b: state.get_many("g", [b]),
        ]
        for call in calls:
            with pytest.raises(ValueError, match=r"256|empty") as raised:
                await call(bad)
            assert isinstance(raised.value, InvalidIdentifierError), f"{why}: {raised.value!r}"
    assert await state.group_ids() == [], "a refused identifier wrote something"
    await state.set(LONGEST_IDENTIFIER, LONGEST_IDENTIFIER, "ok")
    assert await state.get(LONGEST_IDENTIFIER, LONGEST_IDENTIFIER) == "ok", "256 characters are valid"


@pytest.mark.clause("state.identifiers.opaque")
@scenario
async def test_state_identifiers_never_collide(harness: Harness) -> None:
    state = await harness.state()
    pairs = list(itertools.product(NASTY_IDENTIFIERS[:16], NASTY_IDENTIFIERS[:16]))
    for index, (group, key) in enumerate(pairs):
        await state.set(group, key, index)
    for index, (group, key) in enumerate(pairs):
        got = await state.get(group, key)
        assert got == index, f"({group!r}, {key!r}) holds {got!r}: it collided with another identifier pair"
    assert await state.get("a", "b:c") != await state.get("a:b", "c")
    for group in NASTY_IDENTIFIERS[:16]:
        assert sorted(await state.keys(group)) == sorted(NASTY_IDENTIFIERS[:16]), f"keys({group!r})"
    assert sorted(await state.group_ids()) == sorted(NASTY_IDENTIFIERS[:16])


@pytest.mark.clause("state.identifiers.opaque")
@scenario
async def test_state_identifiers_are_not_patterns(harness: Harness) -> None:
    state = await harness.state()
    await state.set("g", "abc", 1)
    await state.set("gx", "k", 2)
    for pattern in ("*", "a*", "?bc", "[a]bc", "a%", "ab_", ".*"):
        assert await state.get("g", pattern) is None, f"key {pattern!r} matched like a pattern"
        assert await state.exists("g", pattern) is False
    for pattern in ("*", "g*", "g?", "[g]x"):
        assert await state.keys(pattern) == [], f"group {pattern!r} matched like a pattern"
        await state.clear(pattern)
    assert await state.get("g", "abc") == 1, "clear(pattern) removed data"
    assert await state.get("gx", "k") == 2, "clear(pattern) removed data"
