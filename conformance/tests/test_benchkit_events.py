"""The bench kit's harnesses on in-process sides: events trials and teardown, speed rows per case."""

from __future__ import annotations

import asyncio

import pytest

from stepkit.conformance.benchkit import Case, measure, speed_rows
from stepkit.conformance.benchkit.events import AdapterSide, EventsPlan, RawSide, latencies, run_events
from stepkit.core.defaults import InProcessEventAdapter
from stepkit.core.errors import AdapterClosedError

PLAN = EventsPlan(count=20, rounds=3, trials=2, window=5, warmup_count=5, warmup_rounds=2)


class LoopSide(RawSide[str]):
    """A "raw driver" delivering each event to its handler on the next loop turn."""

    label = "loop"

    def __init__(self, config: str, *, fail_setup: bool = False) -> None:
        super().__init__(config)
        self.fail_setup = fail_setup
        self.emitted = 0
        self.torn_down = False

    async def setup(self) -> None:
        if self.fail_setup:
            raise ConnectionRefusedError(f"cannot reach {self.config}")

    async def emit(self, i: int) -> None:
        self.emitted += 1
        asyncio.get_running_loop().call_soon(self.probe.hit)

    async def teardown(self) -> None:
        self.torn_down = True


class InProcessSide(AdapterSide[InProcessEventAdapter]):
    """The stepkit side on the core's in-process event adapter."""

    def __init__(self) -> None:
        super().__init__(InProcessEventAdapter({"store": "benchkit_events_test"}), concurrency=4)
        self.topology_removed = False

    async def remove_topology(self) -> None:
        assert self.adapter.closed  # runs after the adapter is closed
        self.topology_removed = True


async def test_run_events_measures_both_sides_every_trial_and_tears_them_down() -> None:
    raw, ours = LoopSide("loop://"), InProcessSide()
    result = await run_events(raw, ours, PLAN)
    assert result.raw_label == "loop"
    assert result.plan is PLAN
    assert set(result.throughput) == set(result.latency) == {"loop", "stepkit"}
    for label in ("loop", "stepkit"):
        assert len(result.throughput[label]) == PLAN.trials
        assert all(rate > 0 for rate in result.throughput[label])
        assert len(result.latency[label]) == PLAN.trials * PLAN.rounds
        assert all(seconds >= 0 for seconds in result.latency[label])
    # Warm-up, then per trial: count events for throughput and rounds single events.
    assert raw.emitted == PLAN.warmup_count + PLAN.warmup_rounds + PLAN.trials * (PLAN.count + PLAN.rounds)
    assert raw.torn_down
    assert ours.adapter.closed
    assert ours.topology_removed


async def test_run_events_tears_down_only_the_sides_that_were_set_up() -> None:
    ours = InProcessSide()
    raw = LoopSide("loop://down", fail_setup=True)
    with pytest.raises(ConnectionRefusedError, match="loop://down"):
        await run_events(raw, ours, PLAN)
    assert not raw.torn_down  # its setup failed
    assert not ours.topology_removed  # never set up: raw goes first
    ok_raw = LoopSide("loop://")
    broken = InProcessSide()
    await broken.adapter.close()  # setup (open) now fails
    with pytest.raises(AdapterClosedError):
        await run_events(ok_raw, broken, PLAN)
    assert ok_raw.torn_down  # set up before the failure: torn down


async def test_latencies_alternate_the_sides_one_event_at_a_time() -> None:
    first, second = LoopSide("a"), LoopSide("b")
    second.label = "other"
    samples = await latencies([first, second], rounds=4)
    assert {label: len(values) for label, values in samples.items()} == {"loop": 4, "other": 4}
    assert first.emitted == second.emitted == 4


async def test_speed_rows_names_rows_and_applies_the_case_minimum() -> None:
    async def noop() -> None:
        return None

    async def slow() -> None:
        await asyncio.sleep(0.002)

    cases = [
        Case("get", ours=noop, raw=noop),
        Case("slow get", ours=slow, raw=noop, minimum=0.0),
        Case("much slower", ours=slow, raw=noop, minimum=100.0),
    ]
    rows = await speed_rows(cases, concurrency=2, seconds=0.05, minimum=0.0001)
    assert [row.name for row in rows] == ["get (2 tasks)", "slow get (2 tasks)", "much slower (2 tasks)"]
    assert [row.target for row in rows] == [">= 0.0001x raw", ">= 0x raw", ">= 100x raw"]
    assert rows[0].passed
    assert rows[1].passed
    # A sleeping operation cannot be 100 times faster than a no-op: the case's own minimum applies.
    assert not rows[2].passed


async def test_measure_counts_prepare_runs_untimed_before_each_call() -> None:
    prepared: list[int] = []
    calls: list[int] = []

    async def prepare() -> None:
        prepared.append(len(calls))

    async def operation() -> None:
        assert len(prepared) == len(calls) + 1  # prepare ran right before this call
        calls.append(1)

    fig = await measure(operation, seconds=0.03, prepare=prepare, warmup=2)
    assert len(calls) == len(prepared) > 2
    assert fig.ops_per_second > 0
