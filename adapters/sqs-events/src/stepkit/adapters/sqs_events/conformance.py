"""Conformance-suite factory (entry point ``stepkit.conformance: sqs-events``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stepkit.adapters.sqs_events.adapter import SqsEventAdapter
from stepkit.adapters.sqs_events.config import SqsEventsConfig
from stepkit.core.factory_settings import events_service_settings

if TYPE_CHECKING:
    from stepkit.conformance import ConformanceContext


def factory(ctx: ConformanceContext) -> SqsEventAdapter:
    """A not-yet-connected adapter on the suite's moto server (SNS and SQS), in the test's namespace.

    All instances of one test share ``ctx.namespace`` (one logical event bus);
    clients are created lazily, so this is safe to call in a child process.
    """
    return SqsEventAdapter(SqsEventsConfig(**events_service_settings(ctx, "sqs")))


__all__ = ["factory"]
