"""``streams.model`` (one instance) and ``streams.shared`` (interleaved instances)."""

from __future__ import annotations

import pytest

from stepkit.conformance import profiles
from stepkit.conformance.harness import Harness
from stepkit.conformance.suites.common import run_machine
from stepkit.conformance.suites.streams.machine import StreamsMachine

pytestmark = pytest.mark.streams


@pytest.mark.core
@pytest.mark.clause("streams.model")
def test_streams_model_random_operations(harness: Harness) -> None:
    run_machine(lambda: StreamsMachine(harness, 1), profiles.current())


@pytest.mark.multi
@pytest.mark.clause("streams.shared")
def test_streams_instances_on_one_namespace_are_one_store(harness: Harness) -> None:
    run_machine(lambda: StreamsMachine(harness, 3), profiles.current())
