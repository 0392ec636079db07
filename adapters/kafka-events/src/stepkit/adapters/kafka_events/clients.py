"""The adapter's shared producer and admin client, and consumer construction.

One producer and one admin client per adapter instance, both opened lazily
(core :class:`~stepkit.core.connection.LazyConnection`) and reconnecting by
themselves (aiokafka reconnects per request). Topics are created on first use
and re-created after a failure (a broker that lost its data gets them back).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer  # type: ignore[import-untyped]
from aiokafka.admin import AIOKafkaAdminClient, NewTopic  # type: ignore[import-untyped]

from stepkit.adapters.kafka_events.codec import OutRecord
from stepkit.adapters.kafka_events.config import KafkaEventsConfig
from stepkit.adapters.kafka_events.errors import BACKEND, UNAVAILABLE
from stepkit.core.connection import LazyConnection
from stepkit.core.errors import AdapterError, AdapterUnavailableError

TOPIC_ALREADY_EXISTS = 36
"""Kafka error code of CreateTopics for a topic that exists (not an error here)."""


def _ms(seconds: float) -> int:
    return max(1, int(seconds * 1000))


async def _stop(client: Any) -> None:
    await client.stop()


async def _close_admin(client: Any) -> None:
    await client.close()


class Clients:
    """Producer, admin client and topic bookkeeping of one adapter instance."""

    def __init__(self, settings: KafkaEventsConfig) -> None:
        self.settings = settings
        self.producer: LazyConnection[Any] = LazyConnection(
            self._open_producer, _stop, backend=BACKEND, connect_timeout=settings.connect_timeout
        )
        self.admin: LazyConnection[Any] = LazyConnection(
            self._open_admin, _close_admin, backend=BACKEND, connect_timeout=settings.connect_timeout
        )
        self._topics: set[str] = set()

    # -- connections ------------------------------------------------------
    async def _open_producer(self) -> Any:
        producer = AIOKafkaProducer(
            bootstrap_servers=self.settings.bootstrap_servers,
            acks="all",
            linger_ms=0,
            request_timeout_ms=_ms(self.settings.operation_timeout),
            retry_backoff_ms=50,
            max_request_size=max(1024 * 1024, self.settings.max_message_bytes + 64 * 1024),
        )
        await _started(producer)
        return producer

    async def _open_admin(self) -> Any:
        admin = AIOKafkaAdminClient(
            bootstrap_servers=self.settings.bootstrap_servers,
            request_timeout_ms=_ms(self.settings.operation_timeout),
            retry_backoff_ms=50,
        )
        await _started(admin, stop=admin.close, where=self.settings.url)
        return admin

    def consumer(self, group_id: str, **options: Any) -> Any:
        """A new, not yet started consumer in ``group_id`` that never auto-commits."""
        settings = self.settings
        return AIOKafkaConsumer(
            bootstrap_servers=settings.bootstrap_servers,
            group_id=group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            request_timeout_ms=max(_ms(settings.operation_timeout), _ms(settings.session_timeout) + 1000),
            retry_backoff_ms=50,
            fetch_max_wait_ms=_ms(settings.fetch_max_wait) if settings.fetch_max_wait else 0,
            metadata_max_age_ms=_ms(settings.metadata_max_age),
            session_timeout_ms=_ms(settings.session_timeout),
            heartbeat_interval_ms=_ms(settings.heartbeat_interval),
            rebalance_timeout_ms=_ms(settings.rebalance_timeout),
            max_partition_fetch_bytes=max(1024 * 1024, settings.max_message_bytes + 64 * 1024),
            **options,
        )

    # -- topics -----------------------------------------------------------
    async def ensure_topics(self, topics: dict[str, int], *, force: bool = False) -> None:
        """Create the missing ``topics`` (name -> partitions); idempotent.

        Topics known to exist are skipped unless ``force``. Callers bound the call.
        """
        wanted = {name: count for name, count in topics.items() if force or name not in self._topics}
        if not wanted:
            return
        admin = await self.admin.get()
        response = await admin.create_topics(
            [NewTopic(name, count, self.settings.replication_factor) for name, count in wanted.items()],
            timeout_ms=_ms(self.settings.operation_timeout),
        )
        for name, code, *rest in response.topic_errors:
            if code not in (0, TOPIC_ALREADY_EXISTS):
                message = rest[0] if rest else ""
                raise AdapterError(f"{BACKEND}: creating topic {name!r} failed with error {code}: {message}")
        self._topics.update(wanted)

    def knows(self, topic: str) -> bool:
        """True when ``topic`` is known to exist (created or confirmed since the last failure)."""
        return topic in self._topics

    def forget_topics(self) -> None:
        """Forget which topics exist (after a failure the broker may have lost them)."""
        self._topics.clear()

    # -- producing --------------------------------------------------------
    async def produce(self, topic: str, record: OutRecord) -> None:
        """Write ``record`` to ``topic`` and wait for the broker's acknowledgement.

        Callers bound the call; on any failure the topic cache is dropped.
        """
        try:
            producer = await self.producer.get()
            await producer.send_and_wait(topic, record.value, key=record.key, headers=record.headers)
        except BaseException:
            self.forget_topics()
            raise

    async def close(self) -> None:
        """Flush and close the producer, close the admin client (each bounded)."""
        await self.producer.close()
        await self.admin.close()


async def _started(
    client: Any, *, stop: Callable[[], Awaitable[Any]] | None = None, where: str = "the brokers"
) -> None:
    """Start a producer, consumer or admin client; on failure shut it again (``stop``, default
    ``client.stop``) and report unreachable brokers as unavailable, naming ``where``."""
    try:
        await client.start()
    except BaseException as exc:
        with contextlib.suppress(Exception):
            await asyncio.shield((stop or client.stop)())
        if isinstance(exc, UNAVAILABLE):
            raise AdapterUnavailableError(f"{BACKEND}: cannot reach {where}: {exc!r}") from exc
        raise


async def started_consumer(consumer: Any) -> Any:
    """Start ``consumer``; on failure stop it again so nothing leaks."""
    await _started(consumer)
    return consumer


__all__ = ["TOPIC_ALREADY_EXISTS", "Clients", "started_consumer"]
