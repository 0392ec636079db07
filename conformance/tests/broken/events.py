"""Deliberately broken event adapters (subclasses of the core's in-process events)."""

from __future__ import annotations

import asyncio
from typing import ClassVar

from pydantic import Field

from stepkit.conformance import ConformanceContext
from stepkit.core import Capability, Event, EventHandler, QueueConfig, Subscription
from stepkit.core.config import AdapterConfig
from stepkit.core.defaults.inprocess_events import InProcessEventAdapter
from stepkit.core.defaults.memory_config import InProcessEventsConfig
from stepkit.core.json_codec import dumps


def _config(ctx: ConformanceContext) -> dict[str, object]:
    return {"namespace": ctx.namespace, "operation_timeout": ctx.operation_timeout, "drain_timeout": 2.0}


class DropOnError(InProcessEventAdapter):
    """A handler that raises is treated as done: the event is dropped, never redelivered."""

    async def _subscribe(self, topic: str, subscriber: str, handler: EventHandler, config: QueueConfig) -> Subscription:
        async def swallow(event: Event) -> None:
            try:
                await handler(event)
            except Exception:  # noqa: BLE001 - the deliberate bug
                return

        return await super()._subscribe(topic, subscriber, swallow, config)


class LocalFanoutOnly(InProcessEventAdapter):
    """Emits only when this instance has a subscriber of its own (a local-bus shortcut)."""

    async def _emit(self, event: Event, fifo: bool) -> None:
        if self._consumers:
            await super()._emit(event, fifo)


class IgnoresConcurrency(InProcessEventAdapter):
    """Runs up to 100 handlers per subscription whatever ``concurrency`` says."""

    async def _subscribe(self, topic: str, subscriber: str, handler: EventHandler, config: QueueConfig) -> Subscription:
        return await super()._subscribe(topic, subscriber, handler, config.model_copy(update={"concurrency": 100}))


class SerialFifo(InProcessEventAdapter):
    """FIFO subscriptions handle one event at a time across *all* message groups (one global lane)."""

    async def _subscribe(self, topic: str, subscriber: str, handler: EventHandler, config: QueueConfig) -> Subscription:
        if config.type != "fifo":
            return await super()._subscribe(topic, subscriber, handler, config)
        lane = asyncio.Lock()

        async def serialised(event: Event) -> None:
            async with lane:
                await handler(event)

        return await super()._subscribe(topic, subscriber, serialised, config)


class ProcessLocalButCrossProcess(InProcessEventAdapter):
    """Keeps its queues in process memory but declares CROSS_PROCESS."""

    capabilities: ClassVar[frozenset[Capability]] = InProcessEventAdapter.capabilities | {Capability.CROSS_PROCESS}


class SizedEventsConfig(InProcessEventsConfig):
    """In-process settings plus a message size limit."""

    max_message_bytes: int = Field(default=65536, ge=16)


class SendsBeforeSizeCheck(InProcessEventAdapter):
    """Checks ``max_message_bytes`` only after the event was handed to the broker."""

    config_model: ClassVar[type[AdapterConfig]] = SizedEventsConfig

    async def _emit(self, event: Event, fifo: bool) -> None:
        await super()._emit(event, fifo)
        assert isinstance(self.config, SizedEventsConfig)
        dumps(event.data, "event data", max_bytes=self.config.max_message_bytes)


class OneAtATime(InProcessEventAdapter):
    """CORRECT: handles one event at a time per subscription whatever ``concurrency`` allows (it is an
    upper bound). Without FIFO, whose message groups must proceed in parallel."""

    capabilities: ClassVar[frozenset[Capability]] = InProcessEventAdapter.capabilities - {Capability.FIFO}

    async def _subscribe(self, topic: str, subscriber: str, handler: EventHandler, config: QueueConfig) -> Subscription:
        return await super()._subscribe(topic, subscriber, handler, config.model_copy(update={"concurrency": 1}))


def one_at_a_time(ctx: ConformanceContext) -> InProcessEventAdapter:
    return OneAtATime(_config(ctx))


def drop_on_error(ctx: ConformanceContext) -> InProcessEventAdapter:
    return DropOnError(_config(ctx))


def local_fanout_only(ctx: ConformanceContext) -> InProcessEventAdapter:
    return LocalFanoutOnly(_config(ctx))


def ignores_concurrency(ctx: ConformanceContext) -> InProcessEventAdapter:
    return IgnoresConcurrency(_config(ctx))


def serial_fifo(ctx: ConformanceContext) -> InProcessEventAdapter:
    return SerialFifo(_config(ctx))


def cross_process_liar(ctx: ConformanceContext) -> InProcessEventAdapter:
    return ProcessLocalButCrossProcess(_config(ctx))


def sends_before_size_check(ctx: ConformanceContext) -> InProcessEventAdapter:
    return SendsBeforeSizeCheck(_config(ctx))
