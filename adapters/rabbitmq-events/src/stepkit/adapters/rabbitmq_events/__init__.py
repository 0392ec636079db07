"""stepkit events adapter on RabbitMQ.

Registered as ``rabbitmq`` in the ``stepkit.events`` entry-point group::

    from stepkit.adapters.rabbitmq_events import RabbitMQEventAdapter

    async with RabbitMQEventAdapter({"url": "amqp://guest:guest@localhost/", "namespace": "shop"}) as events:
        ...
"""

from stepkit.adapters.rabbitmq_events.adapter import RabbitMQEventAdapter
from stepkit.adapters.rabbitmq_events.config import RabbitMQEventsConfig

__all__ = ["RabbitMQEventAdapter", "RabbitMQEventsConfig"]
