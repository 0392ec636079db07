"""Settings of the RabbitMQ events adapter (``STEPKIT_EVENTS_*`` in the environment)."""

from __future__ import annotations

from pydantic import Field, field_validator

from stepkit.core.config import AdapterConfig

DEFAULT_URL = "amqp://guest:guest@127.0.0.1:5672/"
RABBITMQ_MAX_MESSAGE_BYTES = 128 * 1024 * 1024
"""RabbitMQ 3.10's hard ceiling for ``max_message_size``."""


class RabbitMQEventsConfig(AdapterConfig):
    """Configuration of :class:`~stepkit.adapters.rabbitmq_events.adapter.RabbitMQEventAdapter`.

    * ``url``: AMQP URL (``amqp://`` or ``amqps://``), vhost included.
    * ``exchange_prefix``: first part of every exchange and queue name; names are
      ``{exchange_prefix}:{namespace}:...`` (see ``naming``), so two prefixes or two
      namespaces never share a queue.
    * ``prefetch``: unacknowledged deliveries per subscription; ``None`` means the
      subscription's ``QueueConfig.concurrency``. Handlers never exceed
      ``concurrency`` whatever the prefetch.
    * ``operation_timeout`` (inherited): bound of every emit, subscribe, DLQ call.
    * ``connect_timeout``: bound of opening the AMQP connection.
    * ``drain_timeout``: how long ``unsubscribe``/``close`` wait for in-flight handlers;
      handlers still running then are cancelled and their events redelivered.
    * ``max_message_bytes``: largest JSON payload accepted, checked before sending.
    * ``reconnect_interval``: seconds between reconnect attempts after a connection loss.
    * ``connection_name``: client-provided connection name shown by ``rabbitmqctl``;
      default ``stepkit-events:{namespace}:{random}``.
    """

    url: str = Field(default=DEFAULT_URL, description="AMQP URL of the broker.")
    exchange_prefix: str = Field(
        default="stepkit",
        pattern=r"^[A-Za-z0-9_.\-]{1,64}$",
        description="Prefix of every exchange and queue name (ASCII letters, digits, _ . -).",
    )
    prefetch: int | None = Field(default=None, ge=1, le=65535)
    connect_timeout: float = Field(default=5.0, gt=0, le=3600)
    drain_timeout: float = Field(default=30.0, ge=0, le=3600)
    max_message_bytes: int = Field(default=16 * 1024 * 1024, ge=1, le=RABBITMQ_MAX_MESSAGE_BYTES)
    reconnect_interval: float = Field(default=1.0, gt=0, le=300)
    connection_name: str | None = Field(default=None, min_length=1, max_length=200)

    @field_validator("url")
    @classmethod
    def _url_is_amqp(cls, value: str) -> str:
        if not value.startswith(("amqp://", "amqps://")):
            raise ValueError("url must start with amqp:// or amqps://")
        return value

    @field_validator("exchange_prefix")
    @classmethod
    def _prefix_not_reserved(cls, value: str) -> str:
        if value.startswith("amq."):
            raise ValueError("exchange_prefix must not start with 'amq.' (reserved by RabbitMQ)")
        return value


__all__ = ["DEFAULT_URL", "RABBITMQ_MAX_MESSAGE_BYTES", "RabbitMQEventsConfig"]
