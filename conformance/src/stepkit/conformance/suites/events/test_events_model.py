"""``events.model``: random emit/subscribe/unsubscribe sequences over several instances."""

from __future__ import annotations

import pytest

from stepkit.conformance import profiles
from stepkit.conformance.harness import Harness
from stepkit.conformance.suites.common import run_machine
from stepkit.conformance.suites.events.machine import EventsMachine

pytestmark = pytest.mark.events


@pytest.mark.core
@pytest.mark.clause("events.model")
def test_events_model_single_instance(harness: Harness) -> None:
    run_machine(lambda: EventsMachine(harness, 1), profiles.scaled(0.5, steps=0.6))


@pytest.mark.multi
@pytest.mark.clause("events.model")
def test_events_model_several_instances(harness: Harness) -> None:
    run_machine(lambda: EventsMachine(harness, 3), profiles.scaled(0.5, steps=0.6))
