"""``cron.model``: random acquire/release/renew/list sequences over one and several instances."""

from __future__ import annotations

import pytest
from hypothesis.stateful import run_state_machine_as_test

from stepkit.conformance import profiles
from stepkit.conformance.harness import Harness
from stepkit.conformance.suites.cron.machine import CronMachine

pytestmark = pytest.mark.cron


@pytest.mark.core
@pytest.mark.clause("cron.model")
def test_cron_model_single_instance(harness: Harness) -> None:
    run_state_machine_as_test(lambda: CronMachine(harness, 1), settings=profiles.current())


@pytest.mark.multi
@pytest.mark.clause("cron.model")
def test_cron_model_several_instances(harness: Harness) -> None:
    run_state_machine_as_test(lambda: CronMachine(harness, 4), settings=profiles.current())
