"""Conformance-suite factory (entry point ``stepkit.conformance: rabbitmq-events``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stepkit.adapters.rabbitmq_events.adapter import RabbitMQEventAdapter
from stepkit.adapters.rabbitmq_events.config import RabbitMQEventsConfig
from stepkit.core.factory_settings import events_service_settings

if TYPE_CHECKING:
    from stepkit.conformance import ConformanceContext


def factory(ctx: ConformanceContext) -> RabbitMQEventAdapter:
    """A not-yet-connected adapter on the suite's RabbitMQ, in the test's namespace.

    All instances of one test share ``ctx.namespace`` (one logical event bus);
    the connection opens lazily, so this is safe to call in a child process.
    """
    return RabbitMQEventAdapter(RabbitMQEventsConfig(**events_service_settings(ctx, "rabbitmq")))


__all__ = ["factory"]
