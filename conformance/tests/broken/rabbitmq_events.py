"""A deliberately broken cross-process event adapter over the real RabbitMQ adapter."""

from __future__ import annotations

import logging

from stepkit.adapters.rabbitmq_events.adapter import RabbitMQEventAdapter
from stepkit.adapters.rabbitmq_events.conformance import factory as rabbitmq_factory
from stepkit.conformance import ConformanceContext
from stepkit.core import Event, EventHandler, QueueConfig, Subscription

log = logging.getLogger(__name__)


class MaxDeliverDrops(RabbitMQEventAdapter):
    """Like NATS JetStream's ``max_deliver``: a delivery beyond ``max_retries + 1`` is acknowledged and
    dropped, so an event whose member died on its last allowed attempt is neither redelivered nor
    dead-lettered."""

    async def _subscribe(self, topic: str, subscriber: str, handler: EventHandler, config: QueueConfig) -> Subscription:
        async def capped(event: Event) -> None:
            if event.attempt > config.max_retries + 1:
                log.info("dropping %s: delivery %d is beyond max_deliver", event.message_id, event.attempt)
                return
            await handler(event)

        return await super()._subscribe(topic, subscriber, capped, config)


def max_deliver_drops(ctx: ConformanceContext) -> RabbitMQEventAdapter:
    return MaxDeliverDrops(rabbitmq_factory(ctx).config)
