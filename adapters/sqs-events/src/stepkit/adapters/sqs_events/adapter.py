"""The SQS events adapter: SNS FIFO topics fanning out to one SQS queue per subscriber group."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, ClassVar

from stepkit.adapters.aws_common import AwsClient, aws_deadline, is_not_found
from stepkit.adapters.sqs_events import codec, dlq
from stepkit.adapters.sqs_events.config import SqsEventsConfig
from stepkit.adapters.sqs_events.consumer import GroupConsumer
from stepkit.adapters.sqs_events.naming import Names, sqs_token
from stepkit.adapters.sqs_events.topology import Topology, check_queue_config
from stepkit.core.capabilities import Capability
from stepkit.core.config import AdapterConfig
from stepkit.core.consumers import ConsumerRegistry, new_subscription
from stepkit.core.errors import AdapterError
from stepkit.core.models.events import Event, QueueConfig
from stepkit.core.protocols.events import EventAdapter, EventHandler, Subscription

BACKEND = "sqs"


class SqsEventAdapter(EventAdapter):
    """Events on Amazon SNS + SQS (aioboto3), or any server speaking their APIs (moto).

    Guarantees, on top of :class:`~stepkit.core.protocols.events.EventAdapter`'s:

    * ``emit`` returns once SNS accepted the event; it fails with
      ``AdapterUnavailableError`` within ``operation_timeout`` when SNS is
      unreachable (never hangs, never counts as success). Topology calls (the
      first emit to a topic, ``subscribe``, re-creating a lost topology) are
      bounded by ``setup_timeout`` each. On AWS, re-emitting an event with the
      same ``message_id`` within 5 minutes is deduplicated by SNS FIFO.
    * Each ``(topic, subscriber)`` group owns an SQS queue subscribed to the
      topic, created on the group's first subscribe, so events reach it while
      every member is offline (``DURABLE``, for the queue's retention period).
    * Events are deleted only after the handler returned; a held event stays
      invisible (visibility renewed) while it is handled; failures are retried
      after the group's backoff and dead-lettered after ``max_retries + 1``
      deliveries by the queue's redrive policy.
    * Topics, queues and subscriptions the server lost (a restart of moto) are
      re-created by the adapter itself.

    Mechanisms, limits and costs are in the package README.
    """

    name: ClassVar[str] = "sqs"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {Capability.DURABLE, Capability.FIFO, Capability.DLQ, Capability.DELAY, Capability.CROSS_PROCESS}
    )
    config_model: ClassVar[type[AdapterConfig]] = SqsEventsConfig
    config: SqsEventsConfig

    def __init__(self, config: AdapterConfig | Mapping[str, Any] | None = None) -> None:
        super().__init__(config)
        settings = self.config
        self.names = Names(settings.name_prefix, settings.namespace)
        self._sns = AwsClient(settings, "sns", pool_size=settings.max_connections)
        self._sqs = AwsClient(
            settings,
            "sqs",
            read_timeout=settings.operation_timeout + settings.wait_time_seconds,
            pool_size=settings.max_connections,
        )
        self.topology = Topology(self.names, self._sns, self._sqs, settings)
        self._consumers: ConsumerRegistry[GroupConsumer] = ConsumerRegistry()
        self._resync_lock = asyncio.Lock()
        self._resync_needed = False

    # -- health -------------------------------------------------------------------------
    async def is_healthy(self) -> bool:
        """True when SQS answers within ``operation_timeout``."""
        if self.closed:
            return False
        try:
            await self._sqs.call("health check", "list_queues", QueueNamePrefix=self.config.name_prefix, MaxResults=1)
        except AdapterError:
            return False
        return True

    # -- emit -----------------------------------------------------------------------------
    async def _emit(self, event: Event, fifo: bool) -> None:
        body = codec.encode(event, self.config.max_message_bytes)
        if fifo:
            assert event.message_group_id is not None  # checked by EventAdapter.emit
            group = sqs_token("g", event.message_group_id)
        else:
            group = sqs_token("u", event.message_id)
        dedup = sqs_token("m", event.message_id)
        if self._resync_needed:
            await self._resync()
        try:
            await self._publish(event.topic, body, group, dedup)
        except AdapterError as exc:
            if exc.__cause__ is None or not is_not_found(exc.__cause__):
                raise
            self._resync_needed = True
            await self._resync()
            await self._publish(event.topic, body, group, dedup)

    async def _publish(self, topic: str, body: str, group: str, dedup: str) -> None:
        """Publish within ``operation_timeout`` (creating the topic first is bounded by ``setup_timeout``)."""
        arn = await self.topology.topic_arn(topic)
        async with aws_deadline(self.config.operation_timeout, backend="sns", operation=f"emit on {topic!r}"):
            await self._sns.call(
                f"publish on {topic!r}",
                "publish",
                TopicArn=arn,
                Message=body,
                MessageGroupId=group,
                MessageDeduplicationId=dedup,
            )

    def _topology_lost(self) -> None:
        """A local consumer found its queue gone: emits re-create the local topology first."""
        self._resync_needed = True

    async def _resync(self) -> None:
        """The server lost its topology: re-create it for every local subscription before publishing.

        Until one resync completed, every emit of this instance retries it first, so no
        local group misses an event published to a re-created topic.
        """
        async with self._resync_lock:
            if not self._resync_needed:
                return
            self.topology.forget()
            for consumer in self._consumers:
                if not consumer.stopping:
                    await consumer.ensure_topology()
            self._resync_needed = False

    # -- subscriptions --------------------------------------------------------------------
    async def _subscribe(self, topic: str, subscriber: str, handler: EventHandler, config: QueueConfig) -> Subscription:
        check_queue_config(config)
        subscription = new_subscription(topic, subscriber, handler, config)
        consumer = GroupConsumer(
            subscription,
            sqs=self._sqs,
            topology=self.topology,
            settings=self.config,
            on_topology_lost=self._topology_lost,
        )
        # Topology calls: two rounds of parallel calls, then Subscribe, each bounded by setup_timeout.
        await consumer.start()
        self._consumers.add(subscription, consumer)
        return subscription

    async def _unsubscribe(self, subscription: Subscription) -> None:
        await self._consumers.stop(subscription)

    # -- DLQ ------------------------------------------------------------------------------
    async def _dlq_count(self, topic: str, subscriber: str) -> int:
        async with aws_deadline(self.config.operation_timeout, backend=BACKEND, operation="dlq_count"):
            return await dlq.count(self.topology, self._sqs, topic, subscriber)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _redrive_dlq(self, topic: str, subscriber: str) -> int:
        return await dlq.redrive(self.topology, self._sqs, topic, subscriber)

    # -- lifecycle ------------------------------------------------------------------------
    async def _close(self) -> None:
        """Drain every subscription (bounded by ``drain_timeout``), then close the clients."""
        await self._consumers.stop_all()
        await self._sns.close()
        await self._sqs.close()


__all__ = ["BACKEND", "SqsEventAdapter"]
