"""Unit tests of the kit's pure parts: context pickling, targets, report folding and rendering."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest

from stepkit.conformance import CLAUSES, ConformanceContext
from stepkit.conformance.context import install_resolver
from stepkit.conformance.harness import Harness
from stepkit.conformance.report import markdown, terminal
from stepkit.conformance.report.collector import Collector, extract_counterexample
from stepkit.conformance.report.json_report import build_report
from stepkit.conformance.services import ServiceEndpoint
from stepkit.conformance.targets import TargetError, probe
from stepkit.core import Capability, StateAdapter


def test_context_is_picklable_with_services() -> None:
    endpoint = ServiceEndpoint("redis", "redis://127.0.0.1:6379/0", "127.0.0.1", 6379, "url")
    ctx = ConformanceContext(namespace="ns", operation_timeout=1.5, instance_index=2, services={"redis": endpoint})
    clone = pickle.loads(pickle.dumps(ctx))
    assert clone == ctx
    assert clone.service("redis") == endpoint
    assert clone.for_instance(5).instance_index == 5
    assert clone.for_instance(5).namespace == "ns"


def test_context_without_provisioner_names_the_missing_service() -> None:
    previous = install_resolver(None)
    try:
        with pytest.raises(LookupError, match="postgres"):
            ConformanceContext(namespace="ns").service("postgres")
    finally:
        install_resolver(previous)


def test_probe_learns_kind_capabilities_and_services() -> None:
    target = probe("tests.broken.dict_state:factory", "dict")
    assert (target.kind, target.services) == ("state", ())
    assert target.capabilities == frozenset({Capability.ATOMIC_UPDATE})


def test_probe_rejects_bad_references() -> None:
    with pytest.raises(TargetError, match=r"package\.module:factory"):
        probe("no_colon")
    with pytest.raises(TargetError, match="cannot import"):
        probe("no.such.module:factory")
    with pytest.raises(TargetError, match="not a stepkit Adapter"):
        probe("builtins:str")


def test_every_clause_is_proved_by_a_suite_test() -> None:
    suites = Path(__file__).resolve().parents[1] / "src" / "stepkit" / "conformance" / "suites"
    used = {m for f in suites.rglob("test_*.py") for m in re.findall(r'clause\("([^"]+)"\)', f.read_text("utf-8"))}
    assert set(CLAUSES) - used == set(), "clauses without a test"
    assert used - set(CLAUSES) == set(), "tests naming unknown clauses"


def test_construction_env_export_round_trips() -> None:
    from pydantic import SecretStr

    from stepkit.conformance.suites.construction import env_for
    from stepkit.core.config import AdapterConfig

    class Settings(AdapterConfig):
        url: str = "redis://h/0"
        password: SecretStr | None = None
        tags: tuple[str, ...] = ()
        flag: bool = False
        limit: int | None = None

    config = Settings(namespace="a b:🦄", operation_timeout=1.5, password=SecretStr("s3"), tags=("x",), flag=True)
    env = env_for(config, "P_")
    assert env["P_PASSWORD"] == "s3"
    assert "P_LIMIT" not in env
    assert Settings.from_env("P_", env) == config


def test_every_clause_with_capability_names_a_real_one() -> None:
    for clause in CLAUSES.values():
        assert clause.id.startswith(clause.kind + ".")
        assert clause.capability is None or isinstance(clause.capability, Capability)


def test_folding_fail_wins_and_refusal_is_unsupported() -> None:
    collector = Collector()
    collector.record(nodeid="a", adapter="x", clause="state.ttl", refusal=True, outcome="passed")
    collector.record(nodeid="b", adapter="x", clause="state.ttl", refusal=False, outcome="skipped", message="n/a")
    collector.record(nodeid="c", adapter="x", clause="state.null", refusal=False, outcome="passed")
    collector.record(nodeid="d", adapter="x", clause="state.null", refusal=False, outcome="failed", message="boom")
    collector.record(nodeid="e", adapter="x", clause="state.fault", refusal=False, outcome="skipped", message="n/a")
    matrix = collector.matrix()["x"]
    assert {c: cell.status for c, cell in matrix.items()} == {
        "state.ttl": "unsupported",
        "state.null": "fail",
        "state.fault": "n/a",
    }


def test_counterexample_extraction() -> None:
    text = (
        "E   AssertionError: boom\nE   Falsifying example:\nE   state = StateMachine()\n"
        "E   state.set(g='a', k='b')\nE   state.teardown()\nE   You can reproduce this example by "
        "temporarily adding @reproduce_failure('6', b'AA') as a decorator\n\nother"
    )
    example = extract_counterexample(text)
    assert example.splitlines()[0] == "Falsifying example:"
    assert "state.set(g='a', k='b')" in example
    assert "@reproduce_failure" in example
    assert "other" not in example


def test_counterexample_extraction_newer_hypothesis_wording() -> None:
    text = (
        "E   AssertionError: boom\nE   Failing test case: <state machine>\nE   state = StateMachine()\n"
        "E   state.set(g='a', k='b')\nE   state.teardown()\nE   \nE   You can reproduce this test case by "
        "temporarily adding @reproduce_failure('6.170.15', b'AA') as a decorator\n\nother"
    )
    example = extract_counterexample(text)
    assert example.splitlines()[0] == "Failing test case: <state machine>"
    assert "state.set(g='a', k='b')" in example
    assert "@reproduce_failure('6.170.15'" in example
    assert "other" not in example


def test_reports_render_matrix_and_markdown() -> None:
    collector = Collector()
    collector.record(
        nodeid="t1", adapter="tests.broken.dict_state:factory", clause="state.ttl", refusal=True, outcome="passed"
    )
    collector.record(
        nodeid="t2",
        adapter="tests.broken.dict_state:factory",
        clause="state.clear",
        refusal=False,
        outcome="failed",
        message="clear('a') touched 'ab'",
        longrepr="E   Falsifying example: x",
    )
    target = probe("tests.broken.dict_state:factory")
    report = build_report(collector, [target], profile="ci", services=[])
    lines = terminal.render(report)
    assert any("state.clear" in line and "FAIL" in line for line in lines)
    assert any("unsupported" in line for line in lines)
    text = markdown.render(report)
    assert "| atomic_update | ✅ declared" in text
    assert "| ttl | 🚫 refused |" in text
    assert "`state.clear`" in text
    assert "❌ FAIL" in text


def test_counterexample_keeps_repeated_steps_and_folds_whole_blocks_only() -> None:
    steps = ["state = CronMachine()", "state.acquire(i=0, job='job')"]
    steps += ["state.renew(i=0, pick=0)"] * 4
    steps += ["state.release(i=0, pick=0, forged=False)", "state.acquire(i=0, job='job')"] * 3
    steps += ["state.active_locks(i=0)", "state.renew(i=0, pick=0)", "state.teardown()"]
    report = "E   Falsifying example:\n" + "".join(f"E   {line}\n" for line in steps) + "\n"
    example = extract_counterexample(report + report).splitlines()
    assert example == [
        "Falsifying example:",
        "state = CronMachine()",
        "state.acquire(i=0, job='job')",
        "state.renew(i=0, pick=0)  # x4",
        "state.release(i=0, pick=0, forged=False)",
        "state.acquire(i=0, job='job')",
        "# x3: the 2 lines above",
        "state.active_locks(i=0)",
        "state.renew(i=0, pick=0)",
        "state.teardown()",
    ], "a step repeated apart must be kept, runs folded with their count, a repeated report shown once"


def test_fold_repeats_never_drops_a_line() -> None:
    from stepkit.conformance.report.collector import fold_repeats

    assert fold_repeats(["a", "b", "a", "b", "a"]) == ["a", "b", "# x2: the 2 lines above", "a"]
    assert fold_repeats(["a", "a"]) == ["a  # x2"]
    assert fold_repeats(["a", "b", "c"]) == ["a", "b", "c"]


def test_loop_reports_a_leaked_timeout_error_as_untranslated_not_as_a_hang() -> None:
    import asyncio

    from stepkit.conformance.loop import HangError, LoopThread, UntranslatedTimeoutError

    async def leaks() -> None:
        raise TimeoutError("driver read timed out")

    async def hangs() -> None:
        await asyncio.sleep(3600)

    loop = LoopThread()
    try:
        with pytest.raises(UntranslatedTimeoutError, match="untranslated TimeoutError") as leaked:
            loop.run(leaks(), timeout=120)
        assert not isinstance(leaked.value, HangError)
        assert "120" not in str(leaked.value)
        with pytest.raises(HangError, match=r"within 0\.2s"):
            loop.run(hangs(), timeout=0.2)
    finally:
        loop.stop()


def test_a_hanging_data_operation_is_reported_per_operation() -> None:
    import asyncio

    from stepkit.conformance.loop import HangError, LoopThread, UntranslatedTimeoutError
    from stepkit.conformance.operations import OPERATION_MARGIN, bound_operations, operation_bound

    class Ops:
        async def get(self, key: str) -> str:
            await asyncio.sleep(3600)
            return key

        async def keys(self) -> list[str]:
            raise TimeoutError("leaked")

        async def exists(self, key: str) -> bool:
            return key == "k"

    ops = bound_operations(Ops(), operation_timeout=-OPERATION_MARGIN / 2 + 0.05)
    assert operation_bound(1.0) == 2 + OPERATION_MARGIN
    assert bound_operations(ops, 1.0) is ops
    loop = LoopThread()
    try:
        assert loop.run(ops.exists("k"), timeout=5) is True
        with pytest.raises(HangError, match=r"Ops\.get\(\) did not return within"):
            loop.run(ops.get("k"), timeout=60)
        with pytest.raises(UntranslatedTimeoutError):
            loop.run(ops.keys(), timeout=60)
    finally:
        loop.stop()


def _machine_harness(reference: str) -> Harness:
    return Harness(probe(reference), operation_timeout=2.0, services={})


def test_state_machines_check_in_invariants() -> None:
    from hypothesis.stateful import INVARIANT_MARKER

    from stepkit.conformance.suites.cron.machine import CronMachine
    from stepkit.conformance.suites.events.machine import EventsMachine
    from stepkit.conformance.suites.state.machine import StateMachine
    from stepkit.conformance.suites.streams.machine import StreamsMachine

    for machine in (StateMachine, StreamsMachine, EventsMachine, CronMachine):
        checks = [name for name, fn in vars(machine).items() if getattr(fn, INVARIANT_MARKER, None) is not None]
        assert checks, f"{machine.__name__} checks nothing after every step (no @invariant)"


def test_state_machine_draws_exact_instance_indexes_and_notes_every_call() -> None:
    from hypothesis import settings

    from stepkit.conformance.suites.common import run_machine
    from stepkit.conformance.suites.state.machine import StateMachine

    seen: list[int] = []

    class Recording(StateMachine):
        def _on(self, index: int) -> StateAdapter:
            if index < len(self.adapters):  # rule draws; the invariant rotates with its own counter
                seen.append(index)
            return super()._on(index)

    harness = _machine_harness("tests.broken.dict_state:factory")
    try:
        run_machine(lambda: Recording(harness, 3), settings(max_examples=10, stateful_step_count=20, deadline=None))
    finally:
        harness.close()
    assert set(seen) == {0, 1, 2}, f"instance indexes drawn: {sorted(set(seen))}"

    broken = _machine_harness("tests.broken.state:colliding_keys")
    try:
        with pytest.raises(AssertionError) as failed:
            run_machine(
                lambda: StateMachine(broken, 1),
                settings(max_examples=50, deadline=None, print_blob=False, report_multiple_bugs=False),
            )
    finally:
        broken.close()
    notes = "\n".join(getattr(failed.value, "__notes__", []))
    assert "-> " in notes, f"the failing example does not show the adapter's answers:\n{notes}"


def test_durable_restart_check_is_na_with_its_reason_when_the_server_keeps_no_data() -> None:
    from types import SimpleNamespace
    from typing import cast

    from stepkit.conformance.services import ServiceHandle
    from stepkit.conformance.suites.faults import restart_loses_data

    endpoint = ServiceEndpoint("kafka", "kafka://127.0.0.1:9092", "127.0.0.1", 9092, "testcontainers")
    in_memory = cast(ServiceHandle, SimpleNamespace(endpoint=endpoint, keeps_data_on_restart=False))
    keeping = cast(ServiceHandle, SimpleNamespace(endpoint=endpoint, keeps_data_on_restart=True))
    reason = restart_loses_data(in_memory)
    assert reason is not None
    assert reason.startswith("n/a: "), reason
    assert "kafka" in reason
    assert "restart" in reason
    assert restart_loses_data(keeping) is None
