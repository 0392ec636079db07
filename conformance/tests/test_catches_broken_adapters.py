"""The kit must fail every deliberately broken adapter, on the clause it breaks.

A suite that passes a broken adapter is the worst bug this project can have.
Each kind's suite runs once (in a subprocess, like a user's run) against all
broken adapters of that kind plus a correct one; each case then reads its
verdict from the JSON report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLE_SRC, SuiteRun, statuses

BROKEN: dict[str, dict[str, list[str]]] = {
    "state": {
        "tests.broken.state:prefix_clear": ["state.clear"],
        "tests.broken.state:colliding_keys": ["state.identifiers.opaque"],
        "tests.broken.state:lost_update": ["state.update"],
        "tests.broken.state:ttl_ignored": ["state.ttl"],
        "tests.broken.state:nan_accepted": ["state.serialization"],
        "tests.broken.state:null_deletes": ["state.null"],
        "tests.broken.state:partial_set_many": ["state.set_many"],
        "tests.broken.state:cross_process_liar": ["state.cross_process"],
        "tests.broken.state:accepts_bad_config": ["state.construction"],
        "tests.broken.state:writes_before_size_check": ["state.size_limit"],
        "tests.broken.state:pickled_keys": ["state.identifiers.opaque"],
        "tests.broken.ttl_state:lazy_expiry": ["state.ttl"],
    },
    "streams": {
        "tests.broken.streams:unstable_query": ["streams.query.stable", "streams.query.order"],
    },
    "events": {
        "tests.broken.events:drop_on_error": ["events.at_least_once"],
        "tests.broken.events:local_fanout_only": ["events.fanout.no_local_subscriber"],
        "tests.broken.events:ignores_concurrency": ["events.concurrency"],
        "tests.broken.events:serial_fifo": ["events.fifo.parallel_groups"],
        "tests.broken.events:cross_process_liar": ["events.at_least_once.process_death"],
        "tests.broken.events:sends_before_size_check": ["events.size_limit"],
    },
    "cron": {
        "tests.broken.cron:release_without_owner_check": ["cron.release"],
        "tests.broken.cron:flat_fencing": ["cron.fencing"],
        "tests.broken.cron:double_grant": ["cron.race"],
        "tests.broken.cron:cross_process_liar": ["cron.race.cross_process"],
        "tests.broken.cron:owner_only": ["cron.bearer"],
        "tests.broken.cron:three_renewals": ["cron.renew"],
    },
}

EXTRA_CORRECT: dict[str, list[str]] = {
    "state": ["tests.broken.dict_state:sized_factory", "tests.broken.ttl_state:ttl_factory"],
    "cron": ["tests.broken.cron:lists_recomputed_expiry"],
    "events": ["tests.broken.events:one_at_a_time"],
}
"""More correct adapters run with a kind's suite (e.g. one with a size limit, so ``state.size_limit`` passes)."""

CORRECT: dict[str, str] = {
    "state": "tests.broken.dict_state:factory",
    "streams": "memory-streams",
    "events": "inprocess-events",
    "cron": "local-cron",
}

_runs: dict[str, SuiteRun] = {}


def _report(kind: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if not _runs:
        for each in BROKEN:
            adapters = [*BROKEN[each], CORRECT[each], *EXTRA_CORRECT.get(each, [])]
            _runs[each] = SuiteRun(each, adapters, tmp_path_factory.mktemp(f"suite-{each}"))
    return _runs[kind].report()


@pytest.mark.parametrize(
    ("kind", "adapter", "clauses"),
    [(kind, adapter, clauses) for kind, cases in BROKEN.items() for adapter, clauses in cases.items()],
    ids=[adapter.split(".")[-1].replace(":", "-") for cases in BROKEN.values() for adapter in cases],
)
def test_broken_adapter_fails_on_its_clause(
    kind: str, adapter: str, clauses: list[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    report = _report(kind, tmp_path_factory)
    verdicts = statuses(report, adapter)
    assert verdicts, f"{adapter} was not run at all:\n{report['_stdout'][-3000:]}"
    for clause in clauses:
        assert verdicts.get(clause) == "fail", (
            f"the suite did not fail {adapter} on {clause} (got {verdicts.get(clause)}); "
            f"failing clauses: {sorted(c for c, s in verdicts.items() if s == 'fail')}"
        )
    failures = report["results"][adapter][clauses[0]]["tests"]
    assert any(t["outcome"] == "failed" and t["message"] for t in failures), "a failure must carry its message"
    assert report["_returncode"] != 0, "pytest must exit non-zero when an adapter fails"


@pytest.mark.parametrize("kind", list(CORRECT))
def test_correct_adapter_passes_every_clause(kind: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    report = _report(kind, tmp_path_factory)
    adapter = CORRECT[kind]
    verdicts = statuses(report, adapter)
    assert verdicts, f"{adapter} was not run:\n{report['_stdout'][-3000:]}"
    failing = {c: report["results"][adapter][c]["reason"] for c, s in verdicts.items() if s == "fail"}
    assert not failing, f"a correct adapter failed: {failing}"
    assert "pass" in verdicts.values()


@pytest.mark.parametrize(
    ("kind", "adapter"),
    [(kind, adapter) for kind, adapters in EXTRA_CORRECT.items() for adapter in adapters],
    ids=[adapter.split(".")[-1].replace(":", "-") for adapters in EXTRA_CORRECT.values() for adapter in adapters],
)
def test_more_correct_adapters_pass_every_clause(
    kind: str, adapter: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    report = _report(kind, tmp_path_factory)
    verdicts = statuses(report, adapter)
    assert verdicts, f"{adapter} was not run:\n{report['_stdout'][-3000:]}"
    failing = {c: report["results"][adapter][c]["reason"] for c, s in verdicts.items() if s == "fail"}
    assert not failing, f"a correct adapter failed: {failing}"


def test_size_limit_passes_for_a_correct_adapter_with_a_limit(tmp_path_factory: pytest.TempPathFactory) -> None:
    report = _report("state", tmp_path_factory)
    adapter = EXTRA_CORRECT["state"][0]
    verdicts = statuses(report, adapter)
    failing = {c: report["results"][adapter][c]["reason"] for c, s in verdicts.items() if s == "fail"}
    assert not failing, f"a correct adapter with a size limit failed: {failing}"
    assert verdicts["state.size_limit"] == "pass"
    assert verdicts["state.construction"] == "pass"
    without_limit = report["results"][CORRECT["state"]]["state.size_limit"]
    assert without_limit["status"] == "n/a"
    assert "max_*_bytes" in without_limit["reason"], without_limit["reason"]


@pytest.mark.parametrize("kind", list(CORRECT))
def test_every_na_cell_carries_its_reason(kind: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    report = _report(kind, tmp_path_factory)
    missing = [
        (adapter, clause)
        for adapter, cells in report["results"].items()
        for clause, cell in cells.items()
        if cell["status"] == "n/a" and "n/a" not in cell["reason"]
    ]
    assert not missing, f"n/a cells without their reason in the JSON report: {missing}"


def test_undeclared_option_is_reported_unsupported_not_pass(tmp_path_factory: pytest.TempPathFactory) -> None:
    verdicts = statuses(_report("state", tmp_path_factory), CORRECT["state"])
    assert verdicts["state.ttl"] == "unsupported", "an undeclared TTL must be reported as refused, not passed"
    assert verdicts["state.update"] == "pass"
    assert verdicts["state.fault"] == "n/a", "a factory without a service has no fault tier"


def test_state_machine_failure_carries_shrunk_counterexample(tmp_path_factory: pytest.TempPathFactory) -> None:
    report = _report("state", tmp_path_factory)
    cell = report["results"]["tests.broken.state:colliding_keys"]["state.model"]
    assert cell["status"] == "fail"
    example = "\n".join(t["counterexample"] for t in cell["tests"])
    assert "state = StateMachine()" in example, example
    assert "@reproduce_failure" in example, example


def test_example_third_party_adapter_passes(tmp_path: Path) -> None:
    adapter = "acme_state.adapter:factory"
    report = SuiteRun("state", [adapter], tmp_path, paths=(EXAMPLE_SRC,)).report()
    verdicts = statuses(report, adapter)
    assert verdicts, report["_stdout"][-3000:]
    assert not [c for c, s in verdicts.items() if s == "fail"], report["_stdout"][-3000:]
    assert verdicts["state.ttl"] == "unsupported"
    assert report["_returncode"] == 0


def test_process_death_on_the_last_attempt_must_not_lose_the_event(tmp_path: Path) -> None:
    """A broker dropping deliveries beyond max_retries + 1 (NATS' max_deliver) fails; RabbitMQ passes."""
    broken, correct = "tests.broken.rabbitmq_events:max_deliver_drops", "rabbitmq-events"
    report = SuiteRun("events", [broken, correct], tmp_path, "-k", "process_death").report()
    clause = "events.at_least_once.process_death"
    assert statuses(report, broken).get(clause) == "fail", report["_stdout"][-3000:]
    tests = report["results"][broken][clause]["tests"]
    failed = [t for t in tests if t["outcome"] == "failed"]
    assert len(failed) == 1, failed
    assert failed[0]["nodeid"].endswith("-last-attempt]"), "only the death on the last allowed attempt loses it"
    assert "neither redelivered" in failed[0]["message"], failed[0]["message"]
    assert statuses(report, correct).get(clause) == "pass", report["results"][correct][clause]["reason"]
