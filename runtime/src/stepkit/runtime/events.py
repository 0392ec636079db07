"""Event steps: one subscription per (topic, step), the step's name being its subscriber group.

Guarantees: a handler that raises makes the delivery fail, so the event
adapter redelivers it (at-least-once, then dead-letter, logged at ERROR; a
failure that will be retried is logged at WARNING); a handler that hits an
unavailable backend is first retried in place within the outage budget (see
:mod:`stepkit.runtime.outage`), not counted against ``maxRetries``; the handler runs with
a context continuing the emitter's trace (``traceparent`` of the event);
:meth:`EventSubscriptions.stop` unsubscribes everything, and the adapters let
in-flight handlers finish within their bound.
"""

from __future__ import annotations

from stepkit.core.models.events import Event
from stepkit.core.protocols.events import EventAdapter, EventHandler, Subscription
from stepkit.runtime.context import Services
from stepkit.runtime.log import runtime_logger
from stepkit.runtime.outage import retry_through_outage
from stepkit.runtime.shutdown import InFlight
from stepkit.runtime.step import Step
from stepkit.runtime.step_config import EventStepConfig
from stepkit.runtime.tracing import child_of

_log = runtime_logger("events")


def event_handler(step: Step, services: Services, inflight: InFlight, outage_budget: float = 0.0) -> EventHandler:
    """Wrap an event step's handler as an :data:`EventHandler` (input = event data).

    ``outage_budget``: seconds an :class:`AdapterUnavailableError` is retried in place.
    """
    assert step.handler is not None
    assert isinstance(step.config, EventStepConfig)
    handler = step.handler
    max_retries = step.config.queue.max_retries

    async def handle(event: Event) -> None:
        trace = child_of(event.traceparent, event.trace_id)
        ctx = services.context(step, trace)
        fields = {
            "step": step.name,
            "topic": event.topic,
            "trace_id": trace.trace_id,
            "message_id": event.message_id,
            "attempt": event.attempt,
        }

        async def call() -> None:
            await handler(event.data, ctx)

        async with inflight.track():
            try:
                await retry_through_outage(call, outage_budget, _log, fields)
            except Exception:
                if event.attempt > max_retries:
                    _log.exception(
                        "event handler failed on its last delivery; the event is dead-lettered",
                        extra={**fields, "max_retries": max_retries, "dead_lettered": True},
                    )
                else:
                    _log.warning(
                        "event handler failed; the event will be redelivered",
                        extra={**fields, "max_retries": max_retries},
                        exc_info=True,
                    )
                raise

    return handle


class EventSubscriptions:
    """The subscriptions of every event step of the app."""

    def __init__(
        self,
        adapter: EventAdapter,
        steps: list[Step],
        services: Services,
        inflight: InFlight,
        outage_budget: float = 0.0,
    ) -> None:
        self._adapter = adapter
        self._outage_budget = outage_budget
        self._steps = [step for step in steps if isinstance(step.config, EventStepConfig)]
        self._services = services
        self._inflight = inflight
        self._subscriptions: list[Subscription] = []

    async def start(self) -> None:
        """Subscribe each event step to each of its topics; returns once consumption is set up."""
        for step in self._steps:
            assert isinstance(step.config, EventStepConfig)
            handler = event_handler(step, self._services, self._inflight, self._outage_budget)
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
