"""Unit tests of the kit's pure parts: context pickling, targets, report folding and rendering."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest

from stepkit.conformance import CLAUSES, ConformanceContext
from stepkit.conformance.context import install_resolver
from stepkit.conformance.report import markdown, terminal
from stepkit.conformance.report.collector import Collector, extract_counterexample
from stepkit.conformance.report.json_report import build_report
from stepkit.conformance.services import ServiceEndpoint
from stepkit.conformance.targets import TargetError, probe
from stepkit.core import Capability


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
