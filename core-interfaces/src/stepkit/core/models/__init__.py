"""Pydantic v2 models shared by adapters, the runtime and the conformance kit."""

from stepkit.core.models.cron import CronLock, CronLockInfo
from stepkit.core.models.events import Event, QueueConfig, QueueType
from stepkit.core.models.state import FilterOperator, StateFilter, StateItem
from stepkit.core.models.streams import (
    StreamChannel,
    StreamEvent,
    StreamEventType,
    StreamItem,
    StreamQuery,
)

__all__ = [
    "CronLock",
    "CronLockInfo",
    "Event",
    "FilterOperator",
    "QueueConfig",
    "QueueType",
    "StateFilter",
    "StateItem",
    "StreamChannel",
    "StreamEvent",
    "StreamEventType",
    "StreamItem",
    "StreamQuery",
]
