"""``ctx.emit``: publish an event on a topic the step declared.

Guarantees:

* A topic the step did not list in ``emits`` is refused with
  :class:`EmitRefusedError` before anything is sent.
* A topic with a FIFO subscriber step in this app is emitted with
  ``fifo=True`` and needs ``messageGroupId``; without one the emit is refused.
* The event carries the caller's trace id and a ``traceparent`` whose parent
  span is the emitting step's, so the subscriber continues the same trace.
* Data that is not JSON within the core's limits (NaN, nesting deeper than
  64 levels, huge integers) raises :class:`AdapterSerializationError` naming
  the step and topic; nothing is sent.
* ``emit`` returns once the event adapter accepted the event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from stepkit.core.errors import InvalidEventError
from stepkit.core.json_codec import check_json
from stepkit.core.models.events import Event
from stepkit.core.protocols.events import EventAdapter
from stepkit.runtime.step import Step
from stepkit.runtime.step_config import EventStepConfig
from stepkit.runtime.tracing import TraceContext

_MESSAGE_KEYS = {"topic", "data", "messageGroupId", "message_group_id"}


class EmitRefusedError(ValueError):
    """An emit the step is not allowed to make, or a malformed emit message."""


def fifo_topics(steps: Iterable[Step]) -> dict[str, str]:
    """Topic -> name of a FIFO subscriber step, for every topic that has one."""
    topics: dict[str, str] = {}
    for step in steps:
        if isinstance(step.config, EventStepConfig) and step.config.queue.type == "fifo":
            for topic in step.config.subscribes:
                topics.setdefault(topic, step.name)
    return topics


class Emitter:
    """Publishes events for the steps of one app through the configured event adapter."""

    def __init__(self, events: EventAdapter, fifo: Mapping[str, str]) -> None:
        self._events = events
        self._fifo = dict(fifo)

    async def emit(self, step: Step, message: Mapping[str, Any], trace: TraceContext) -> Event:
        """Emit ``{"topic", "data", "messageGroupId"?}`` on behalf of ``step``; returns the event sent."""
        if not isinstance(message, Mapping) or "topic" not in message:
            raise EmitRefusedError(
                f"step {step.name!r}: emit takes a dict with 'topic' and 'data' (and optional 'messageGroupId'), "
                f"got {message!r}"
            )
        unknown = sorted(set(message) - _MESSAGE_KEYS)
        if unknown:
            raise EmitRefusedError(f"step {step.name!r}: emit message has unknown keys {unknown}")
        topic = message["topic"]
        if topic not in step.config.emits:
            declared = ", ".join(step.config.emits) or "nothing"
            raise EmitRefusedError(
                f"step {step.name!r} may not emit topic {topic!r}: it is not in the step's 'emits' "
                f"(declared: {declared})"
            )
        group = message.get("messageGroupId", message.get("message_group_id"))
        fifo_subscriber = self._fifo.get(topic)
        if fifo_subscriber is not None and group is None:
            raise InvalidEventError(
                f"step {step.name!r}: topic {topic!r} has a FIFO subscriber (step {fifo_subscriber!r}), "
                "so emit needs a 'messageGroupId'"
            )
        check_json(message.get("data"), f"data of the event step {step.name!r} emits on topic {topic!r}")
        event = Event(
            topic=topic,
            data=message.get("data"),
            trace_id=trace.trace_id,
            message_group_id=group,
            traceparent=trace.traceparent,
        )
        await self._events.emit(event, fifo=fifo_subscriber is not None)
        return event


__all__ = ["EmitRefusedError", "Emitter", "fifo_topics"]
