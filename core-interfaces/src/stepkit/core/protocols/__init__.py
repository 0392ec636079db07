"""The four adapter interfaces: state, streams, events and cron."""

from stepkit.core.protocols.cron import CronAdapter
from stepkit.core.protocols.events import EventAdapter, EventHandler, Subscription
from stepkit.core.protocols.state import StateAdapter, UpdateFn
from stepkit.core.protocols.streams import (
    StreamAdapter,
    StreamAdapterManager,
    StreamHandler,
    StreamSubscription,
)

__all__ = [
    "CronAdapter",
    "EventAdapter",
    "EventHandler",
    "StateAdapter",
    "StreamAdapter",
    "StreamAdapterManager",
    "StreamHandler",
    "StreamSubscription",
    "Subscription",
    "UpdateFn",
]
