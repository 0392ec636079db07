"""``state.model`` (one instance) and ``state.shared`` (interleaved instances) via the state machine."""

from __future__ import annotations

import pytest

from stepkit.conformance import profiles
from stepkit.conformance.harness import Harness
from stepkit.conformance.suites.common import run_machine
from stepkit.conformance.suites.state.machine import StateMachine

pytestmark = pytest.mark.state


@pytest.mark.core
@pytest.mark.clause("state.model")
def test_state_model_random_operations(harness: Harness) -> None:
    run_machine(lambda: StateMachine(harness, 1), profiles.current())


@pytest.mark.multi
@pytest.mark.clause("state.shared")
def test_state_instances_on_one_namespace_are_one_store(harness: Harness) -> None:
    run_machine(lambda: StateMachine(harness, 3), profiles.current())
