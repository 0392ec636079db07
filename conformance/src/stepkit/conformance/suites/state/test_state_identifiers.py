"""Identifiers: bad ones raise ValueError with the rule; distinct ones never collide; no globbing."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from stepkit.conformance.harness import Harness, scenario
from stepkit.conformance.strategies import LONGEST_IDENTIFIER, NASTY_IDENTIFIERS, fresh_copy
from stepkit.core import Capability, InvalidIdentifierError

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


def _replace_existing(new: Any) -> Callable[[Any], Any]:
    """An update function: ``new`` when there is a previous value, else None (so a miss shows)."""
    return lambda previous: new if previous is not None else None


EQUAL_COPIES = ("ab", "a:b", "🦄 x", "a b", "%3A", LONGEST_IDENTIFIER)


@pytest.mark.clause("state.identifiers.opaque")
@scenario
async def test_state_equal_but_distinct_identifier_objects_name_one_entry(harness: Harness) -> None:
    """Identifiers are compared by value on every call path: an entry written with one ``str`` object
    (the same object as group and key) is read, listed, updated and deleted with equal copies, and
    the other way round."""
    state = await harness.state()
    update = harness.target.declares(Capability.ATOMIC_UPDATE)
    for index, text in enumerate(EQUAL_COPIES):
        same = fresh_copy(text)
        copies = [fresh_copy(text) for _ in range(8)]
        assert copies[0] is not same, "fresh_copy made no distinct object"
        value = {"n": index}
        await state.set(same, same, value)
        why = f"an entry set with one str object {text[:12]!r} as group and key, read with equal copies"
        assert await state.get(copies[0], copies[1]) == value, f"get(): {why}"
        assert await state.exists(copies[1], copies[2]) is True, f"exists(): {why}"
        assert await state.get_many(copies[2], [copies[3], same]) == [value, value], f"get_many(): {why}"
        assert await state.keys(copies[3]) == [text], f"keys() lists the key twice or not at all: {why}"
        assert await state.get_group(copies[4]) == {text: value}, f"get_group(): {why}"
        listed = [(i.group_id, i.key) for i in await state.items(copies[5])]
        assert listed == [(text, text)], f"items() = {listed!r}: {why}"
        await state.set_many(copies[6], {copies[7]: value})
        assert await state.keys(same) == [text], f"set_many() with equal copies made a second key: {why}"
        if update:
            value = {"n": index + 100}
            updated = await state.update(copies[0], fresh_copy(text), _replace_existing(value))
            assert updated == value, f"update() did not see the entry: {why}"
        assert await state.delete(copies[1], copies[2]) == value, f"delete() returned another value: {why}"
        assert await state.exists(same, same) is False, f"delete() with equal copies left the entry: {why}"
        await state.set(copies[0], copies[1], value)
        assert await state.get(same, same) == value, "an entry set with equal copies is not found by one object"
        assert await state.keys(same) == [text], "an entry set with equal copies is listed twice"
        await state.clear(copies[2])
        assert await state.get_group(same) == {}, "clear() with an equal copy left the group"
    assert await state.group_ids() == [], "entries written with equal identifier objects were left behind"


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
