"""A Hypothesis state machine driving stream handles against a reference dict model.

One instance proves ``streams.model``; several instances on one namespace,
each step on a random one, prove ``streams.shared``.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import invariant, rule

from stepkit.conformance.harness import Harness
from stepkit.conformance.strategies import identifiers, json_objects, json_scalars
from stepkit.conformance.suites.common import assert_json_equal
from stepkit.conformance.suites.machine_base import AdapterMachine, instance_indexes
from stepkit.core import StreamAdapter, StreamAdapterManager, StreamQuery
from stepkit.core.ordering import apply_stream_query

STREAMS = ("s", "s:1", "s*")
GROUPS = ("g", "g:1", "g*", "gg")
IDS = ("a", "ab", "a:b", "b", "🦄", "*", "1", "10", "2")

queries = st.builds(
    StreamQuery,
    where=st.one_of(st.none(), st.dictionaries(st.sampled_from(["n", "s", "x"]), json_scalars(), max_size=1)),
    order_by=st.one_of(st.none(), st.sampled_from(["n", "s", "x", "l", "id"])),
    direction=st.sampled_from(["asc", "desc"]),
    offset=st.integers(0, 5),
    limit=st.one_of(st.none(), st.integers(0, 5)),
)
items_data = st.one_of(
    json_objects(),
    st.fixed_dictionaries(
        {},
        optional={
            "n": st.one_of(st.integers(-3, 3), st.floats(-3, 3)),
            "s": st.sampled_from(["", "a", "b", "ab"]),
            "x": json_scalars(),
        },
    ),
)


class StreamsMachine(AdapterMachine[StreamAdapterManager]):
    """Random operations on stream handles of ``instances`` managers sharing a fresh namespace."""

    def __init__(self, harness: Harness, instances: int) -> None:
        super().__init__(harness, instances, harness.streams)
        self.model: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
        self.touched: set[tuple[str, str]] = set()
        self.step = 0

    def _on(self, index: int, stream: str) -> StreamAdapter:
        manager = self.adapters[index % len(self.adapters)]
        handle: StreamAdapter = manager.stream(stream)
        return handle

    def _group(self, stream: str, group: str) -> dict[str, dict[str, Any]]:
        return self.model.get((stream, group), {})

    @invariant()
    def agrees_with_model(self) -> None:
        """After every step, on a rotating instance: every group the step wrote equals the model."""
        for s, g in sorted(self.touched):
            got = self._do(self._on(self.step, s).get_group(g), f"invariant get_group({s!r}, {g!r})")
            expected = [self._group(s, g)[k] for k in sorted(self._group(s, g))]
            assert_json_equal(got, expected, f"get_group({s!r}, {g!r}) after writing it (ordered by id)")
        self.touched.clear()
        self.step += 1

    @rule(
        i=instance_indexes(), s=st.sampled_from(STREAMS), g=identifiers(GROUPS), item=identifiers(IDS), data=items_data
    )
    def set(self, i: int, s: str, g: str, item: str, data: dict[str, Any]) -> None:
        expected = {**data, "id": item}
        returned = self._do(self._on(i, s).set(g, item, data))
        assert_json_equal(returned, expected, f"set({s!r}, {g!r}, {item!r}) return value")
        self.model.setdefault((s, g), {})[item] = expected
        self.touched.add((s, g))

    @rule(i=instance_indexes(), s=st.sampled_from(STREAMS), g=identifiers(GROUPS), item=identifiers(IDS))
    def get(self, i: int, s: str, g: str, item: str) -> None:
        got = self._do(self._on(i, s).get(g, item))
        assert_json_equal(got, self._group(s, g).get(item), f"get({s!r}, {g!r}, {item!r})")

    @rule(i=instance_indexes(), s=st.sampled_from(STREAMS), g=identifiers(GROUPS), item=identifiers(IDS))
    def delete(self, i: int, s: str, g: str, item: str) -> None:
        got = self._do(self._on(i, s).delete(g, item))
        assert_json_equal(got, self.model.get((s, g), {}).pop(item, None), f"delete({s!r}, {g!r}, {item!r})")
        self.touched.add((s, g))

    @rule(i=instance_indexes(), s=st.sampled_from(STREAMS), g=identifiers(GROUPS))
    def get_group(self, i: int, s: str, g: str) -> None:
        got = self._do(self._on(i, s).get_group(g))
        expected = [self._group(s, g)[k] for k in sorted(self._group(s, g))]
        assert_json_equal(got, expected, f"get_group({s!r}, {g!r}) (ordered by id)")

    @rule(i=instance_indexes(), s=st.sampled_from(STREAMS), g=identifiers(GROUPS))
    def clear(self, i: int, s: str, g: str) -> None:
        self._do(self._on(i, s).clear(g))
        self.model.pop((s, g), None)
        self.touched.add((s, g))

    @rule(i=instance_indexes(), s=st.sampled_from(STREAMS), g=identifiers(GROUPS), q=queries)
    def query(self, i: int, s: str, g: str, q: StreamQuery) -> None:
        got = self._do(self._on(i, s).query(g, q))
        expected = apply_stream_query(self._group(s, g).values(), q)
        assert_json_equal(got, expected, f"query({s!r}, {g!r}, {q!r})")


__all__ = ["StreamsMachine", "queries"]
