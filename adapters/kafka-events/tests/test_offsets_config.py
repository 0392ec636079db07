"""Commit positions and settings (pure logic, no broker)."""

from __future__ import annotations

import pytest

from stepkit.adapters.kafka_events import KafkaEventAdapter, KafkaEventsConfig
from stepkit.adapters.kafka_events.offsets import OffsetTracker
from stepkit.core.errors import AdapterConfigurationError


def test_commit_position_is_the_lowest_unfinished_offset() -> None:
    tracker = OffsetTracker()
    for offset in (5, 6, 7):
        tracker.add(offset)
    tracker.finish(6)
    assert tracker.to_commit() is None, "offset 5 is unfinished: nothing may be committed"
    tracker.finish(5)
    assert tracker.to_commit() == 7
    tracker.committed(7)
    assert tracker.to_commit() is None
    tracker.finish(7)
    assert tracker.to_commit() == 8
    assert tracker.outstanding == 0


def test_outstanding_counts_finished_records_behind_an_unfinished_one() -> None:
    tracker = OffsetTracker()
    for offset in range(3):
        tracker.add(offset)
    tracker.finish(2)
    assert tracker.outstanding == 3


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"url": "amqp://x"}, "url"),
        ({"url": "kafka://hostonly"}, "url"),
        ({"session_timeout": 1.0, "heartbeat_interval": 0.2}, "session_timeout"),
        ({"session_timeout": 10.0, "heartbeat_interval": 10.0}, "heartbeat_interval"),
        ({"topic_prefix": "a.b"}, "topic_prefix"),
        ({"partitions": 0}, "partitions"),
    ],
)
def test_bad_settings_are_refused_naming_the_field(settings: dict[str, object], field: str) -> None:
    with pytest.raises(AdapterConfigurationError, match=field):
        KafkaEventAdapter(settings)


def test_short_group_timings_need_the_tansu_setting() -> None:
    config = KafkaEventsConfig(session_timeout=1.0, heartbeat_interval=0.2, broker_quirks="tansu")
    assert config.verify_end_offsets
    assert KafkaEventsConfig(url="kafka://a:1,b:2").bootstrap_servers == ["a:1", "b:2"]
