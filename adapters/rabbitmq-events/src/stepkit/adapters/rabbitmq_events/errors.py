"""Bounded-time RabbitMQ calls with aio-pika/aiormq errors mapped onto the stepkit family."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager

from aio_pika.exceptions import AMQPConnectionError, ChannelInvalidStateError, ConnectionClosed

from stepkit.core.deadline import deadline

BACKEND = "rabbitmq"
UNAVAILABLE: tuple[type[BaseException], ...] = (
    AMQPConnectionError,
    ConnectionClosed,
    ChannelInvalidStateError,
    RuntimeError,
)
"""Driver errors meaning "the broker cannot be reached right now".

aio-pika signals "connection not open (yet/any more)" with ``RuntimeError``
(e.g. opening a channel while the robust connection reconnects) and counts it
among its own connection exceptions; so do we.
"""


def bounded(timeout: float, operation: str) -> AbstractAsyncContextManager[None]:
    """Core :func:`~stepkit.core.deadline.deadline` for RabbitMQ.

    Timeouts and connection/channel losses raise ``AdapterUnavailableError``;
    other driver errors raise ``AdapterError``; the driver exception is chained.
    """
    return deadline(timeout, backend=BACKEND, operation=operation, unavailable=UNAVAILABLE)


__all__ = ["BACKEND", "UNAVAILABLE", "bounded"]
