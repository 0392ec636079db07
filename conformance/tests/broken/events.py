"""Deliberately broken event adapters (subclasses of the core's in-process events)."""

from __future__ import annotations

from stepkit.conformance import ConformanceContext
from stepkit.core import Event, EventHandler, QueueConfig, Subscription
from stepkit.core.defaults.inprocess_events import InProcessEventAdapter


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


def drop_on_error(ctx: ConformanceContext) -> InProcessEventAdapter:
    return DropOnError(_config(ctx))


def local_fanout_only(ctx: ConformanceContext) -> InProcessEventAdapter:
    return LocalFanoutOnly(_config(ctx))


def ignores_concurrency(ctx: ConformanceContext) -> InProcessEventAdapter:
    return IgnoresConcurrency(_config(ctx))
