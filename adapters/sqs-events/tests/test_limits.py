"""SQS limits and rounding: pure logic, no server."""

from __future__ import annotations

import pytest

from stepkit.adapters.sqs_events import SqsEventsConfig
from stepkit.adapters.sqs_events.topology import check_queue_config, lease_seconds, whole_seconds
from stepkit.core import AdapterConfigurationError, QueueConfig


def test_whole_seconds_never_round_down() -> None:
    assert [whole_seconds(s) for s in (0, 0.05, 1.0, 1.2, 899.5)] == [0, 1, 1, 2, 900]


def test_lease_is_visibility_capped_by_the_lease_setting() -> None:
    settings = SqsEventsConfig(visibility_lease=10)
    assert lease_seconds(QueueConfig(visibility_timeout=0.4), settings) == 1
    assert lease_seconds(QueueConfig(visibility_timeout=7), settings) == 7
    assert lease_seconds(QueueConfig(visibility_timeout=300), settings) == 10
    assert lease_seconds(QueueConfig(visibility_timeout=300), SqsEventsConfig(visibility_lease=60)) == 60


def test_sqs_limits_are_named() -> None:
    check_queue_config(QueueConfig(delay_seconds=900, max_retries=999))
    with pytest.raises(AdapterConfigurationError, match="DelaySeconds limit of 900"):
        check_queue_config(QueueConfig.model_construct(delay_seconds=900.5, max_retries=3))
    with pytest.raises(AdapterConfigurationError, match="at most 1000"):
        check_queue_config(QueueConfig(max_retries=1000))
