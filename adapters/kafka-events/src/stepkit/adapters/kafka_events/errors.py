"""Bounded-time Kafka calls with aiokafka errors mapped onto the stepkit family."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager

from aiokafka import errors as kafka_errors  # type: ignore[import-untyped]

from stepkit.core.deadline import deadline, translate_error
from stepkit.core.errors import AdapterError

BACKEND = "kafka"
UNAVAILABLE: tuple[type[BaseException], ...] = (
    kafka_errors.KafkaConnectionError,
    kafka_errors.KafkaTimeoutError,
    kafka_errors.NodeNotReadyError,
    kafka_errors.NoBrokersAvailable,
    kafka_errors.KafkaUnavailableError,
    kafka_errors.RequestTimedOutError,
    kafka_errors.NotLeaderForPartitionError,
    kafka_errors.LeaderNotAvailableError,
    kafka_errors.BrokerNotAvailableError,
    kafka_errors.GroupCoordinatorNotAvailableError,
    kafka_errors.NotCoordinatorForGroupError,
    kafka_errors.UnknownTopicOrPartitionError,
    kafka_errors.ProducerClosed,
)
"""Driver errors meaning "the broker cannot be reached (or is not ready) right now"."""


def bounded(timeout: float, operation: str) -> AbstractAsyncContextManager[None]:
    """Core :func:`~stepkit.core.deadline.deadline` for Kafka.

    Timeouts and connection errors raise ``AdapterUnavailableError``; other driver
    errors raise ``AdapterError``; the driver exception is chained.
    """
    return deadline(timeout, backend=BACKEND, operation=operation, unavailable=UNAVAILABLE)


def translate(exc: Exception, timeout: float, operation: str) -> AdapterError:
    """The stepkit error for ``exc`` by the rules of :func:`bounded`, for hot paths that use
    ``asyncio.timeout`` directly; raise it ``from exc`` (an ``AdapterError`` is returned as is)."""
    return translate_error(exc, timeout, backend=BACKEND, operation=operation, unavailable=UNAVAILABLE)


__all__ = ["BACKEND", "UNAVAILABLE", "bounded", "translate"]
