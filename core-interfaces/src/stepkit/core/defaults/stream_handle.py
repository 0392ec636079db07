"""What the memory and file stream handles share: subscription bookkeeping."""

from __future__ import annotations

from stepkit.core.capabilities import Capability
from stepkit.core.defaults.stream_hub import StreamHub
from stepkit.core.models.streams import StreamChannel, StreamEvent
from stepkit.core.protocols.streams import StreamAdapter, StreamHandler, StreamSubscription


class HubStream(StreamAdapter):
    """A stream handle whose events go through a process-local :class:`StreamHub`.

    Closing the handle unsubscribes every subscription it made.
    """

    def __init__(self, name: str, capabilities: frozenset[Capability], hub: StreamHub, timeout: float) -> None:
        super().__init__(name, capabilities)
        self._hub = hub
        self._timeout = timeout
        self._own: dict[str, StreamSubscription] = {}

    def _change(self, kind: str, group_id: str, item_id: str, item: object) -> StreamEvent:
        return StreamEvent.model_validate(
            {"stream": self.name, "group_id": group_id, "item_id": item_id, "type": kind, "data": item}
        )

    async def _send(self, event: StreamEvent) -> None:
        self._hub.publish(event)

    async def _subscribe(self, channel: StreamChannel, handler: StreamHandler, replay: bool) -> StreamSubscription:
        subscription = self._hub.subscribe(self.name, channel, handler)
        self._own[subscription.id] = subscription
        return subscription

    async def _unsubscribe(self, subscription: StreamSubscription) -> None:
        self._own.pop(subscription.id, None)
        await self._hub.unsubscribe(subscription, self._timeout)

    async def _close(self) -> None:
        for subscription in list(self._own.values()):
            await self._unsubscribe(subscription)


__all__ = ["HubStream"]
