"""stepkit-core: adapter interfaces, models, errors, capabilities and shared helpers.

Import the interfaces from here::

    from stepkit.core import StateAdapter, EventAdapter, Event, QueueConfig, Capability
"""

from stepkit.core.adapter import ADAPTER_KINDS, Adapter, AdapterKind
from stepkit.core.backoff import Backoff
from stepkit.core.capabilities import Capability
from stepkit.core.config import AdapterConfig
from stepkit.core.errors import (
    AdapterClosedError,
    AdapterConfigurationError,
    AdapterConflictError,
    AdapterError,
    AdapterNotSupportedError,
    AdapterSerializationError,
    AdapterUnavailableError,
    InvalidEventError,
    InvalidIdentifierError,
    ValueTooLargeError,
)
from stepkit.core.models import (
    CronLock,
    CronLockInfo,
    Event,
    FilterOperator,
    QueueConfig,
    StateFilter,
    StateItem,
    StreamChannel,
    StreamEvent,
    StreamItem,
    StreamQuery,
)
from stepkit.core.protocols import (
    CronAdapter,
    EventAdapter,
    EventHandler,
    StateAdapter,
    StreamAdapter,
    StreamAdapterManager,
    StreamHandler,
    StreamSubscription,
    Subscription,
)
from stepkit.core.protocols.cron import CronAdapterConfig

__all__ = [
    "ADAPTER_KINDS",
    "Adapter",
    "AdapterClosedError",
    "AdapterConfig",
    "AdapterConfigurationError",
    "AdapterConflictError",
    "AdapterError",
    "AdapterKind",
    "AdapterNotSupportedError",
    "AdapterSerializationError",
    "AdapterUnavailableError",
    "Backoff",
    "Capability",
    "CronAdapter",
    "CronAdapterConfig",
    "CronLock",
    "CronLockInfo",
    "Event",
    "EventAdapter",
    "EventHandler",
    "FilterOperator",
    "InvalidEventError",
    "InvalidIdentifierError",
    "QueueConfig",
    "StateAdapter",
    "StateFilter",
    "StateItem",
    "StreamAdapter",
    "StreamAdapterManager",
    "StreamChannel",
    "StreamEvent",
    "StreamHandler",
    "StreamItem",
    "StreamQuery",
    "StreamSubscription",
    "Subscription",
    "ValueTooLargeError",
]
