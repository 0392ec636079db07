"""The pytest plugin (entry point ``pytest11: stepkit``).

Run the suites with ``pytest --pyargs stepkit.conformance.suites [--adapter=pkg.mod:factory ...]``.

* ``--adapter=REF`` (repeatable): a factory reference ``pkg.mod:factory`` or the
  name of an installed ``stepkit.conformance`` entry point; without it, every
  installed entry point is tested.
* ``--tier=core|multi|fault`` (repeatable; default all three).
* ``--stepkit-report-dir DIR`` (default ``reports/conformance``): JSON report,
  Markdown capability matrix and, unless ``--junitxml`` is given, JUnit XML.
* ``--stepkit-timeout SECONDS``: the operation timeout handed to factories
  (default ``STEPKIT_CONFORMANCE_TIMEOUT`` or 2).
* Markers: ``clause(id)``, ``requires(capability)``, ``refuses(capability)``,
  tiers ``core``/``multi``/``fault``, kinds ``state``/``streams``/``events``/``cron``.
* Fixture ``stepkit_services``: the session's ``ServiceProvider``, usable by any
  package's tests; ``stepkit_dedicated_service`` (``stepkit.conformance.fixtures``): a
  factory of fault-capable servers owned by one test. The suites' own ``target`` and ``harness`` fixtures live in
  ``stepkit/conformance/suites/conftest.py`` (closest conftest wins, so a
  project's fixtures of the same name cannot shadow them).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import pytest
from hypothesis.errors import InvalidArgument

from stepkit.conformance import profiles
from stepkit.conformance.clauses import CLAUSES
from stepkit.conformance.context import install_resolver
from stepkit.conformance.fixtures import stepkit_dedicated_service  # noqa: F401 - registered fixture
from stepkit.conformance.report import markdown, terminal
from stepkit.conformance.report.collector import Collector
from stepkit.conformance.report.json_report import build_report, write_report
from stepkit.conformance.services import ServiceEndpoint, ServiceProvider, provider_from_env
from stepkit.conformance.services.custom import unknown_service_message
from stepkit.conformance.services.interrupt import interrupt_on_sigterm
from stepkit.conformance.targets import AdapterTarget, TargetError, select_targets
from stepkit.core import Capability

TIERS = ("core", "multi", "fault")
KINDS = ("state", "streams", "events", "cron")
DEFAULT_REPORT_DIR = "reports/conformance"
ENV_TIMEOUT = "STEPKIT_CONFORMANCE_TIMEOUT"


class _Session:
    """Per-pytest-session state of the plugin."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.targets: list[AdapterTarget] | None = None
        self.collector = Collector()
        self.provider: ServiceProvider | None = None
        self.restore_sigterm: Callable[[], None] = lambda: None
        self.active = _is_conformance_run(config)

    def get_targets(self) -> list[AdapterTarget]:
        if self.targets is None:
            try:
                self.targets = select_targets(list(self.config.getoption("stepkit_adapters") or []))
            except TargetError as exc:
                raise pytest.UsageError(str(exc)) from exc
            self.active = True
        return self.targets

    def get_provider(self) -> ServiceProvider:
        if self.provider is None:
            self.provider = provider_from_env()
            self.restore_sigterm = interrupt_on_sigterm()  # a SIGTERM'd run still stops its servers
        return self.provider

    def resolve(self, name: str) -> ServiceEndpoint:
        return self.get_provider().get(name).endpoint


_KEY = pytest.StashKey[_Session]()


def _is_conformance_run(config: pytest.Config) -> bool:
    if config.getoption("stepkit_adapters") or config.getoption("stepkit_report_dir"):
        return True
    return any("stepkit.conformance" in str(a) or "conformance/suites" in str(a) for a in config.args)


def session_state(config: pytest.Config) -> _Session:
    """The plugin's state for this pytest session (targets, collector, provider)."""
    return config.stash[_KEY]


def _session(config: pytest.Config) -> _Session:
    return config.stash[_KEY]


# -- options and configuration -------------------------------------------------------
def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("stepkit", "stepkit conformance")
    group.addoption(
        "--adapter",
        action="append",
        dest="stepkit_adapters",
        default=[],
        metavar="REF",
        help="adapter factory 'pkg.mod:factory' or installed entry-point name (repeatable)",
    )
    group.addoption(
        "--tier",
        action="append",
        dest="stepkit_tiers",
        default=[],
        choices=TIERS,
        help="run only these tiers (repeatable; default all)",
    )
    group.addoption(
        "--stepkit-report-dir",
        dest="stepkit_report_dir",
        default=None,
        metavar="DIR",
        help=f"where to write conformance reports (default {DEFAULT_REPORT_DIR})",
    )
    group.addoption(
        "--stepkit-timeout",
        dest="stepkit_timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help=f"operation timeout given to factories (default ${ENV_TIMEOUT} or 2)",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    for line in (
        "clause(id): the CONTRACT.md clause a conformance test proves (stable id)",
        "requires(capability): run only for adapters declaring the capability",
        "refuses(capability): run only for adapters NOT declaring it; proves the refusal",
        "core: conformance tier with one instance",
        "multi: conformance tier with several instances on one namespace",
        "fault: conformance tier with the service paused/stopped underneath",
        "state: state adapter conformance",
        "streams: streams adapter conformance",
        "events: events adapter conformance",
        "cron: cron adapter conformance",
    ):
        config.addinivalue_line("markers", line)
    state = _Session(config)
    config.stash[_KEY] = state
    try:
        profiles.select(config.getoption("hypothesis_profile", None))
    except InvalidArgument:
        if state.active:
            raise

    install_resolver(state.resolve)
    if state.active and not getattr(config.option, "xmlpath", None):
        config.option.xmlpath = str(_report_dir(config) / "junit.xml")


def _report_dir(config: pytest.Config) -> Path:
    return Path(config.getoption("stepkit_report_dir") or DEFAULT_REPORT_DIR)


def operation_timeout(config: pytest.Config) -> float:
    """The operation timeout handed to factories (``--stepkit-timeout`` or the environment)."""
    return _timeout(config)


def _timeout(config: pytest.Config) -> float:
    value = config.getoption("stepkit_timeout")
    return float(value) if value is not None else float(os.environ.get(ENV_TIMEOUT, "2"))


# -- collection ------------------------------------------------------------------------
def _kind_of_item(node: Any) -> str | None:
    for kind in KINDS:
        if node.get_closest_marker(kind) is not None:
            return kind
    return None


def _is_suite_test(node: Any) -> bool:
    """Only the kit's suites (tests with a ``clause`` marker) are parametrized over adapters."""
    return node.get_closest_marker("clause") is not None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "target" not in metafunc.fixturenames or not _is_suite_test(metafunc.definition):
        return
    kind = _kind_of_item(metafunc.definition)
    targets = [t for t in _session(metafunc.config).get_targets() if kind is None or t.kind == kind]
    metafunc.parametrize("target", targets, ids=[t.id for t in targets])


def _capability(marker: pytest.Mark) -> Capability:
    return Capability(marker.args[0])


def _check_services(config: pytest.Config) -> None:
    """One usage error naming every service no provider knows (rather than an error per test)."""
    state = _session(config)
    if not state.targets:
        return
    provider = state.get_provider()
    needed: dict[str, list[str]] = {}
    for target in state.targets:
        for name in target.services:
            needed.setdefault(name, []).append(target.id)
    unknown = [f"{unknown_service_message(name)} [needed by {', '.join(ids)}]" for name, ids in needed.items()
               if not provider.knows(name)]  # fmt: skip
    if unknown:
        raise pytest.UsageError("\n".join(unknown))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _check_services(config)
    tiers = set(config.getoption("stepkit_tiers") or TIERS)
    keep: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        callspec = getattr(item, "callspec", None)
        if "target" not in getattr(item, "fixturenames", ()) or not _is_suite_test(item):
            keep.append(item)
            continue
        target = callspec.params.get("target") if callspec is not None else None
        item_tiers = {t for t in TIERS if item.get_closest_marker(t) is not None}
        if not isinstance(target, AdapterTarget) or not item_tiers & tiers:
            dropped.append(item)
            continue
        marker = item.get_closest_marker("clause")
        if marker is None or not marker.args or marker.args[0] not in CLAUSES:
            raise pytest.UsageError(f"{item.nodeid}: unknown conformance clause; see stepkit.conformance.clauses")
        _gate(item, target)
        keep.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


def _gate(item: pytest.Item, target: AdapterTarget) -> None:
    """Mark n/a (skip with the reason) what does not apply to ``target``."""
    for marker in item.iter_markers("requires"):
        cap = _capability(marker)
        if not target.declares(cap):
            item.add_marker(pytest.mark.skip(reason=f"n/a: {target.id} does not declare {cap.name}"))
    for marker in item.iter_markers("refuses"):
        cap = _capability(marker)
        if target.declares(cap):
            item.add_marker(pytest.mark.skip(reason=f"n/a: {target.id} declares {cap.name} (proved elsewhere)"))
    if item.get_closest_marker("fault") is not None and not target.services:
        item.add_marker(pytest.mark.skip(reason=f"n/a: {target.id}'s factory uses no service to fault"))


# -- fixtures ----------------------------------------------------------------------------
@pytest.fixture(scope="session")
def stepkit_services(pytestconfig: pytest.Config) -> ServiceProvider:
    """The session's ``ServiceProvider`` (closed at session end)."""
    return _session(pytestconfig).get_provider()


# -- reporting -----------------------------------------------------------------------------
@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    callspec = getattr(item, "callspec", None)
    target = callspec.params.get("target") if callspec is not None else None
    marker = item.get_closest_marker("clause")
    if isinstance(target, AdapterTarget) and marker is not None:
        if report.skipped:
            longrepr = report.longrepr
            message = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        elif report.failed:
            crash = getattr(report.longrepr, "reprcrash", None)
            message = crash.message if crash is not None else str(report.longrepr)
        else:
            message = ""
        if report.passed and report.when != "call":
            return report
        _session(item.config).collector.record(
            nodeid=item.nodeid,
            adapter=target.id,
            clause=str(marker.args[0]),
            refusal=item.get_closest_marker("refuses") is not None,
            outcome="failed" if report.failed else "skipped" if report.skipped else "passed",
            message=message,
            longrepr=report.longreprtext if report.failed else "",
            duration=report.duration,
        )
    return report


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    state = _session(config)
    if state.provider is not None:
        terminalreporter.section("stepkit services")
        for line in state.provider.describe():
            terminalreporter.write_line(line)
    if not state.active or state.targets is None:
        return
    services = state.provider.describe() if state.provider is not None else []
    report = build_report(state.collector, state.targets, profile=profiles.current_name(), services=services)
    directory = _report_dir(config)
    write_report(directory / "conformance.json", report)
    (directory / "capability-matrix.md").write_text(markdown.render(report) + "\n", encoding="utf-8")
    terminalreporter.section("stepkit conformance matrix")
    if not state.targets:
        terminalreporter.write_line("no adapters selected (none given with --adapter, no entry points installed)")
    for line in terminal.render(report):
        terminalreporter.write_line(line)
    terminalreporter.write_line(f"reports: {directory}/conformance.json, capability-matrix.md, junit.xml")


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(_KEY, None)
    install_resolver(None)
    if state is not None and state.provider is not None:
        try:
            state.provider.close()
        finally:
            state.provider = None
            state.restore_sigterm()
