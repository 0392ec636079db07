"""``stepkit dlq list|count|redrive``: the dead-letter queues of an app's subscriber groups.

The :class:`~stepkit.core.EventAdapter` API exposes, per ``(topic, subscriber)``,
how many events are dead-lettered (``dlq_count``) and a redrive of all of them
(``redrive_dlq``); it does not expose the dead-lettered events themselves. So
``list`` prints each group's count (every event step of the app, or the one
group named), never event contents; inspect those in the broker itself.

Needs an events adapter with ``DLQ`` that is shared between processes
(``CROSS_PROCESS``): the in-process adapter's dead letters live inside the
serving process, out of reach of this command.
"""

from __future__ import annotations

from pathlib import Path

from stepkit.core.capabilities import Capability
from stepkit.core.errors import AdapterConfigurationError
from stepkit.core.protocols.events import EventAdapter
from stepkit.runtime.config import adapter_name_of, resolve_adapters
from stepkit.runtime.step_config import EventStepConfig
from stepkit.runtime.validation import load_steps

NO_LISTING = (
    "note: the events adapter API gives counts and redrive only; the dead-lettered events themselves are "
    "not listed (inspect them in the broker)"
)


def _check_events(events: EventAdapter) -> None:
    name = adapter_name_of(events)
    if not events.supports(Capability.DLQ):
        raise AdapterConfigurationError(f"the {name!r} events adapter has no dead-letter queue (no DLQ capability)")
    if not events.supports(Capability.CROSS_PROCESS):
        raise AdapterConfigurationError(
            f"the {name!r} events adapter keeps its dead letters inside the serving process; "
            "stepkit dlq needs a shared events adapter (set STEPKIT_EVENTS_ADAPTER, e.g. rabbitmq)"
        )


def app_groups(app: Path) -> list[tuple[str, str]]:
    """``(topic, subscriber)`` of every event step of the app, in step order."""
    return [
        (topic, step.name)
        for step in load_steps(app)
        if isinstance(step.config, EventStepConfig)
        for topic in step.config.subscribes
    ]


async def run_dlq(action: str, app: Path, topic: str | None, subscriber: str | None) -> list[str]:
    """The lines ``stepkit dlq ACTION`` prints.

    Raises:
        AdapterConfigurationError: unusable events adapter or bad configuration.
        AdapterError: the backend failed (e.g. unavailable).
    """
    adapters = resolve_adapters(app)
    try:
        events = adapters.events
        _check_events(events)
        if action in ("count", "redrive") and (topic is None or subscriber is None):
            raise AdapterConfigurationError(f"dlq {action} needs TOPIC and SUBSCRIBER")
        if action == "count" and topic is not None and subscriber is not None:
            return [str(await events.dlq_count(topic, subscriber))]
        if action == "redrive" and topic is not None and subscriber is not None:
            moved = await events.redrive_dlq(topic, subscriber)
            return [f"redrove {moved} event(s) of group {subscriber!r} on topic {topic!r} back to its queue"]
        groups = [(topic, subscriber)] if topic is not None and subscriber is not None else app_groups(app)
        rows = [("TOPIC", "SUBSCRIBER", "DEAD-LETTERED")]
        for group_topic, group in groups:
            rows.append((group_topic, group, str(await events.dlq_count(group_topic, group))))
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
        return [*lines, NO_LISTING]
    finally:
        await adapters.close()


__all__ = ["NO_LISTING", "app_groups", "run_dlq"]
