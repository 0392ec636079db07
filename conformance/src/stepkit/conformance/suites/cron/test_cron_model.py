"""``cron.model``: random acquire/release/renew/list sequences over one and several instances."""

from __future__ import annotations

import pytest

from stepkit.conformance import profiles
from stepkit.conformance.harness import Harness
from stepkit.conformance.suites.common import run_machine
from stepkit.conformance.suites.cron.machine import CronMachine

pytestmark = pytest.mark.cron


@pytest.mark.core
@pytest.mark.clause("cron.model")
def test_cron_model_single_instance(harness: Harness) -> None:
    run_machine(lambda: CronMachine(harness, 1), profiles.current())


@pytest.mark.multi
@pytest.mark.clause("cron.model")
def test_cron_model_several_instances(harness: Harness) -> None:
    run_machine(lambda: CronMachine(harness, 4), profiles.current())
