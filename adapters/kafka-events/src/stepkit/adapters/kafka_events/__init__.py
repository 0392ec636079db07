"""stepkit events adapter on Kafka (aiokafka).

Registered as ``kafka`` in the ``stepkit.events`` entry-point group::

    from stepkit.adapters.kafka_events import KafkaEventAdapter

    async with KafkaEventAdapter({"url": "kafka://localhost:9092", "namespace": "shop"}) as events:
        ...
"""

from stepkit.adapters.kafka_events.adapter import KafkaEventAdapter
from stepkit.adapters.kafka_events.config import KafkaEventsConfig

__all__ = ["KafkaEventAdapter", "KafkaEventsConfig"]
