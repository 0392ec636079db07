"""Fixtures of the suites: the adapter under test and the per-test harness.

Kept here (not in the plugin) so that the closest conftest wins: a project's
own ``target`` or ``harness`` fixture can never shadow them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from stepkit.conformance.harness import Harness
from stepkit.conformance.plugin import operation_timeout, session_state
from stepkit.conformance.services import ServiceEndpoint, ServiceHandle
from stepkit.conformance.targets import AdapterTarget


@pytest.fixture
def target() -> AdapterTarget:
    """The adapter under test (parametrized by the plugin)."""
    raise pytest.UsageError("the 'target' fixture is parametrized by the stepkit plugin for clause tests only")


@pytest.fixture
def harness(target: AdapterTarget, request: pytest.FixtureRequest, pytestconfig: pytest.Config) -> Iterator[Harness]:
    """A per-test :class:`Harness` on a fresh namespace.

    For ``fault`` tests the target's first service is a dedicated server
    (``harness.fault_handle``), so pausing or stopping it never disturbs
    another test; the test is ``n/a`` when the provider cannot inject faults.
    """
    state = session_state(pytestconfig)
    services: dict[str, ServiceEndpoint] = {}
    dedicated: ServiceHandle | None = None
    if request.node.get_closest_marker("fault") is not None and target.services:
        dedicated = state.get_provider().get(target.services[0], dedicated=True)
        if not dedicated.supports_faults:
            provider = dedicated.endpoint.provider
            dedicated.close()
            pytest.skip(f"n/a: the {target.services[0]} provider ({provider}) cannot inject faults")
        services[target.services[0]] = dedicated.endpoint
    for name in target.services:
        services.setdefault(name, state.resolve(name))
    h = Harness(target, operation_timeout=operation_timeout(pytestconfig), services=services)
    h.fault_handle = dedicated
    try:
        yield h
    finally:
        try:
            h.close()
        finally:
            if dedicated is not None:
                dedicated.close()
