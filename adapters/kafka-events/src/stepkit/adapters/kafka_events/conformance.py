"""Conformance-suite factory (entry point ``stepkit.conformance: kafka-events``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stepkit.adapters.kafka_events.adapter import KafkaEventAdapter
from stepkit.adapters.kafka_events.config import KafkaEventsConfig
from stepkit.core.factory_settings import events_service_settings

if TYPE_CHECKING:
    from stepkit.conformance import ConformanceContext

TANSU_GROUP_TIMINGS = {
    "session_timeout": 1.0,
    "heartbeat_interval": 0.2,
    "rebalance_timeout": 1.0,
}
"""Short group timings for the suite's Tansu broker (Apache Kafka rejects them)."""


def factory(ctx: ConformanceContext) -> KafkaEventAdapter:
    """A not-yet-connected adapter on the suite's Kafka service, in the test's namespace.

    The kit's Kafka service is Tansu: the factory sets ``broker_quirks="tansu"``
    and Tansu-only short group timings so rebalances take about a second.
    The connection opens lazily, so this is safe to call in a child process.
    """
    return KafkaEventAdapter(
        KafkaEventsConfig(
            **events_service_settings(ctx, "kafka"),
            partitions=4,
            fetch_max_wait=0.1,
            metadata_max_age=1.0,
            broker_quirks="tansu",
            **TANSU_GROUP_TIMINGS,
        )
    )


__all__ = ["TANSU_GROUP_TIMINGS", "factory"]
