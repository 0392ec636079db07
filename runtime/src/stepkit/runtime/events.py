"""Event steps: one subscription per (topic, step), the step's name being its subscriber group.

Guarantees: a handler that raises makes the delivery fail, so the event
adapter redelivers it (at-least-once, then dead-letter); the handler runs with
a context continuing the emitter's trace (``traceparent`` of the event);
:meth:`EventSubscriptions.stop` unsubscribes everything, and the adapters let
in-flight handlers finish within their bound.
"""

from __future__ import annotations

from stepkit.core.models.events import Event
from stepkit.core.protocols.events import EventAdapter, EventHandler, Subscription
from stepkit.runtime.context import Services
from stepkit.runtime.log import runtime_logger
from stepkit.runtime.shutdown import InFlight
from stepkit.runtime.step import Step
from stepkit.runtime.step_config import EventStepConfig
from stepkit.runtime.tracing import child_of

_log = runtime_logger("events")


def event_handler(step: Step, services: Services, inflight: InFlight) -> EventHandler:
    """Wrap an event step's handler as an :data:`EventHandler` (input = event data)."""
    assert step.handler is not None
    handler = step.handler

    async def handle(event: Event) -> None:
        trace = child_of(event.traceparent, event.trace_id)
        ctx = services.context(step, trace)
        async with inflight.track():
            try:
                await handler(event.data, ctx)
            except Exception:
                _log.exception(
                    "event handler failed; the event will be redelivered",
                    extra={
                        "step": step.name,
                        "topic": event.topic,
                        "trace_id": trace.trace_id,
                        "message_id": event.message_id,
                        "attempt": event.attempt,
                    },
                )
                raise

    return handle


class EventSubscriptions:
    """The subscriptions of every event step of the app."""

    def __init__(self, adapter: EventAdapter, steps: list[Step], services: Services, inflight: InFlight) -> None:
        self._adapter = adapter
        self._steps = [step for step in steps if isinstance(step.config, EventStepConfig)]
        self._services = services
        self._inflight = inflight
        self._subscriptions: list[Subscription] = []

    async def start(self) -> None:
        """Subscribe each event step to each of its topics; returns once consumption is set up."""
        for step in self._steps:
            assert isinstance(step.config, EventStepConfig)
            handler = event_handler(step, self._services, self._inflight)
            for topic in step.config.subscribes:
                subscription = await self._adapter.subscribe(topic, step.name, handler, step.config.queue)
                self._subscriptions.append(subscription)
                _log.info("subscribed", extra={"step": step.name, "topic": topic})

    async def stop(self) -> None:
        """Unsubscribe everything (in-flight handlers finish within the adapter's bound). Idempotent."""
        subscriptions, self._subscriptions = self._subscriptions, []
        for subscription in subscriptions:
            try:
                await self._adapter.unsubscribe(subscription)
            except Exception:  # noqa: BLE001 - shutdown goes on; the failure is logged
                where = {"step": subscription.subscriber, "topic": subscription.topic}
                _log.exception("unsubscribe failed", extra=where)


__all__ = ["EventSubscriptions", "event_handler"]
