"""A Hypothesis state machine driving state instances against a reference dict model.

With one instance it proves ``state.model``; with several instances on one
namespace (each step on a random instance) it proves ``state.shared``: the
instances are one store, whatever instance wrote or reads.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule

from stepkit.conformance.harness import Harness
from stepkit.conformance.strategies import identifiers, json_scalars, json_values
from stepkit.conformance.suites.common import assert_json_equal
from stepkit.conformance.suites.machine_base import AdapterMachine, instance_indexes
from stepkit.core import FilterOperator, StateAdapter, StateFilter
from stepkit.core.filtering import matches

GROUPS = ("a", "ab", "a:b", "a*", "[a]", "🦄 x", "%41", "A", "a:", "a b", "a/b", "%3A", ":")
KEYS = ("b:c", "c", "b", "*", "?", "k/1", "%", "\u0000", "bc", ":b", "b c", "b/c", "x")

TWINS: tuple[tuple[tuple[str, str], tuple[str, str]], ...] = (
    (("a", "b:c"), ("a:b", "c")),
    (("a", ":b"), ("a:", "b")),
    (("a b", "c"), ("a", "b c")),
    (("a/b", "c"), ("a", "b/c")),
    (("%3A", "x"), (":", "x")),
)
"""(group, key) pairs that naive separator-joined or escaped encodings make collide."""

groups = identifiers(GROUPS)
keys = identifiers(KEYS)
filters = st.builds(
    StateFilter,
    value_key=st.sampled_from([None, "n", "s", "l"]),
    operator=st.sampled_from(list(FilterOperator)),
    value=json_scalars(),
)
values = st.one_of(
    json_values(),
    st.fixed_dictionaries(
        {}, optional={"n": json_scalars(), "s": st.text(max_size=5), "l": st.lists(json_scalars(), max_size=3)}
    ),
)


class StateMachine(AdapterMachine[StateAdapter]):
    """Random operations on ``instances`` state adapters sharing one fresh namespace."""

    def __init__(self, harness: Harness, instances: int) -> None:
        super().__init__(harness, instances, harness.state)
        self.model: dict[str, dict[str, Any]] = {}
        self.touched: set[str] = set()
        self.step = 0

    def _on(self, index: int) -> StateAdapter:
        return self.adapters[index % len(self.adapters)]

    @invariant()
    def agrees_with_model(self) -> None:
        """After every step, on a rotating instance: the group ids, and every group the step wrote, equal the model."""
        if not self.touched:
            return
        adapter = self._on(self.step)
        self.step += 1
        got = self._do(adapter.group_ids(), "invariant group_ids()")
        assert set(got) == set(self.model), f"group_ids() = {sorted(got)!r}, expected {sorted(self.model)!r}"
        for g in sorted(self.touched):
            assert_json_equal(
                self._do(adapter.get_group(g), f"invariant get_group({g!r})"),
                self.model.get(g, {}),
                f"get_group({g!r}) after writing it",
            )
        self.touched.clear()

    @rule(i=instance_indexes(), g=groups, k=keys, v=values)
    def set(self, i: int, g: str, k: str, v: Any) -> None:
        returned = self._do(self._on(i).set(g, k, v))
        assert_json_equal(returned, v, f"set({g!r}, {k!r}) return value")
        self.model.setdefault(g, {})[k] = v
        self.touched.add(g)

    @rule(i=instance_indexes(), twins=st.sampled_from(TWINS), v=values)
    def set_twins(self, i: int, twins: tuple[tuple[str, str], tuple[str, str]], v: Any) -> None:
        (g1, k1), (g2, k2) = twins
        self._do(self._on(i).set(g1, k1, v))
        self._do(self._on(i + 1).set(g2, k2, [v]))
        self.model.setdefault(g1, {})[k1] = v
        self.model.setdefault(g2, {})[k2] = [v]
        self.touched |= {g1, g2}
        assert_json_equal(self._do(self._on(i).get(g1, k1)), v, f"get({g1!r}, {k1!r}) after setting its twin")

    @rule(i=instance_indexes(), g=groups, k=keys)
    def get(self, i: int, g: str, k: str) -> None:
        assert_json_equal(self._do(self._on(i).get(g, k)), self.model.get(g, {}).get(k), f"get({g!r}, {k!r})")

    @rule(i=instance_indexes(), g=groups, k=keys)
    def exists(self, i: int, g: str, k: str) -> None:
        got = self._do(self._on(i).exists(g, k))
        assert got is (k in self.model.get(g, {})), f"exists({g!r}, {k!r}) returned {got!r}"

    @rule(i=instance_indexes(), g=groups, k=keys)
    def delete(self, i: int, g: str, k: str) -> None:
        previous = self._do(self._on(i).delete(g, k))
        assert_json_equal(previous, self.model.get(g, {}).pop(k, None), f"delete({g!r}, {k!r}) return value")
        if g in self.model and not self.model[g]:
            del self.model[g]
        self.touched.add(g)

    @rule(i=instance_indexes(), g=groups, ks=st.lists(keys, max_size=5))
    def get_many(self, i: int, g: str, ks: list[str]) -> None:
        got = self._do(self._on(i).get_many(g, ks))
        assert_json_equal(got, [self.model.get(g, {}).get(k) for k in ks], f"get_many({g!r}, {ks!r})")

    @rule(i=instance_indexes(), g=groups, mapping=st.dictionaries(keys, values, max_size=4))
    def set_many(self, i: int, g: str, mapping: dict[str, Any]) -> None:
        self._do(self._on(i).set_many(g, mapping))
        if mapping:
            self.model.setdefault(g, {}).update(mapping)
        self.touched.add(g)

    @rule(i=instance_indexes(), g=groups)
    def keys(self, i: int, g: str) -> None:
        got = self._do(self._on(i).keys(g))
        assert len(got) == len(set(got)), f"keys({g!r}) has duplicates: {got!r}"
        expected = sorted(self.model.get(g, {}))
        assert sorted(got) == expected, f"keys({g!r}) = {sorted(got)!r}, expected {expected!r}"

    @rule(i=instance_indexes())
    def group_ids(self, i: int) -> None:
        got = self._do(self._on(i).group_ids())
        assert len(got) == len(set(got)), f"group_ids() has duplicates: {got!r}"
        assert set(got) == set(self.model), f"group_ids() = {sorted(got)!r}, expected {sorted(self.model)!r}"

    @rule(i=instance_indexes(), g=groups)
    def get_group(self, i: int, g: str) -> None:
        assert_json_equal(self._do(self._on(i).get_group(g)), self.model.get(g, {}), f"get_group({g!r})")

    @rule(i=instance_indexes(), g=groups)
    def clear(self, i: int, g: str) -> None:
        self._do(self._on(i).clear(g))
        self.model.pop(g, None)
        self.touched.add(g)

    @rule(i=instance_indexes(), g=st.one_of(st.none(), groups), fs=st.lists(filters, max_size=2))
    def items(self, i: int, g: str | None, fs: list[StateFilter]) -> None:
        got = self._do(self._on(i).items(g, fs))
        actual = sorted(((it.group_id, it.key), it.value) for it in got)
        expected = sorted(
            ((group, key), value)
            for group, entries in self.model.items()
            if g is None or group == g
            for key, value in entries.items()
            if matches(value, fs)
        )
        assert [p for p, _ in actual] == [p for p, _ in expected], (
            f"items({g!r}, {fs!r}) returned {[p for p, _ in actual]!r}, expected {[p for p, _ in expected]!r}"
        )
        assert_json_equal([v for _, v in actual], [v for _, v in expected], f"items({g!r}, {fs!r}) values")


__all__ = ["StateMachine"]
