"""Groups: set_many all-or-nothing, keys/group_ids set semantics, get_group, clear, namespaces."""

from __future__ import annotations

import pytest

from stepkit.conformance.harness import Harness, new_namespace, scenario
from stepkit.conformance.suites.common import assert_json_equal
from stepkit.core import AdapterSerializationError

pytestmark = pytest.mark.state

PREFIX_GROUPS = ["a", "ab", "a:b", "a*", "a b", "a/", "A", "b"]


@pytest.mark.core
@pytest.mark.clause("state.set_many")
@scenario
async def test_state_set_many_is_all_or_nothing(harness: Harness) -> None:
    state = await harness.state()
    await state.set_many("sm", {"a": 1, "b": [2], "c": None})
    assert_json_equal(await state.get_group("sm"), {"a": 1, "b": [2], "c": None}, "after set_many")
    with pytest.raises(AdapterSerializationError):
        await state.set_many("sm", {"a": 10, "d": 4, "bad": float("nan")})
    with pytest.raises(ValueError):
        await state.set_many("sm", {"a": 10, "": 4})
    assert_json_equal(await state.get_group("sm"), {"a": 1, "b": [2], "c": None}, "after refused set_many calls")


@pytest.mark.core
@pytest.mark.clause("state.keys")
@scenario
async def test_state_keys_and_group_ids_have_set_semantics(harness: Harness) -> None:
    state = await harness.state()
    for _ in range(3):
        await state.set("g1", "k", 1)
        await state.set_many("g1", {"k": 2, "j": 3})
    await state.set("g2", "other", 1)
    await state.set("g1x", "k", 1)
    keys = await state.keys("g1")
    assert sorted(keys) == ["j", "k"], f"keys('g1') = {keys!r}"
    groups = await state.group_ids()
    assert sorted(groups) == ["g1", "g1x", "g2"], f"group_ids() = {groups!r}"
    assert await state.keys("missing") == []
    await state.delete("g2", "other")
    assert sorted(await state.group_ids()) == ["g1", "g1x"], "an emptied group is still listed"


@pytest.mark.core
@pytest.mark.clause("state.get_group")
@scenario
async def test_state_get_group_is_exactly_that_group(harness: Harness) -> None:
    state = await harness.state()
    await state.set_many("a", {"b:c": 1, "x": {"y": [1.5]}})
    await state.set_many("a:b", {"c": 2})
    await state.set_many("ab", {"c": 3})
    assert_json_equal(await state.get_group("a"), {"b:c": 1, "x": {"y": [1.5]}}, "get_group('a')")
    assert_json_equal(await state.get_group("a:b"), {"c": 2}, "get_group('a:b')")
    assert await state.get_group("nothing") == {}


@pytest.mark.core
@pytest.mark.clause("state.clear")
@scenario
async def test_state_clear_removes_that_group_only(harness: Harness) -> None:
    state = await harness.state()
    for group in PREFIX_GROUPS:
        await state.set_many(group, {"k": group, "k2": 1})
    await state.clear("a")
    assert await state.get_group("a") == {}, "clear('a') left keys in 'a'"
    assert "a" not in await state.group_ids()
    for group in PREFIX_GROUPS[1:]:
        assert_json_equal(await state.get_group(group), {"k": group, "k2": 1}, f"clear('a') touched group {group!r}")
    await state.clear("never-existed")
    assert sorted(await state.group_ids()) == sorted(PREFIX_GROUPS[1:])


@pytest.mark.multi
@pytest.mark.clause("state.namespaces")
@scenario
async def test_state_namespaces_are_isolated(harness: Harness) -> None:
    mine = await harness.state()
    other_namespace = new_namespace()
    theirs = await harness.state(other_namespace)
    prefix_namespace = await harness.state(harness.namespace + "x")
    await mine.set("g", "k", "mine")
    await theirs.set("g", "k", "theirs")
    await prefix_namespace.set("g2", "k", "prefix")
    assert await mine.get("g", "k") == "mine"
    assert await theirs.get("g", "k") == "theirs"
    assert sorted(await mine.group_ids()) == ["g"], "another namespace's groups leaked in"
    assert [i.key for i in await mine.items()] == ["k"]
    await theirs.clear("g")
    assert await mine.get("g", "k") == "mine", "clear in another namespace removed my data"
    await prefix_namespace.clear("g2")
