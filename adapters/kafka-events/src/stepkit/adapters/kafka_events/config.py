"""Settings of the Kafka events adapter (``STEPKIT_EVENTS_*`` in the environment)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from stepkit.core.config import AdapterConfig

DEFAULT_URL = "kafka://127.0.0.1:9092"
KAFKA_MIN_SESSION_TIMEOUT = 6.0
"""Apache Kafka's default ``group.min.session.timeout.ms``, in seconds."""

BrokerQuirks = Literal["none", "tansu"]


class KafkaEventsConfig(AdapterConfig):
    """Configuration of :class:`~stepkit.adapters.kafka_events.adapter.KafkaEventAdapter`.

    * ``url``: ``kafka://host:port`` (several bootstrap brokers separated by ``,``).
    * ``topic_prefix``: first segment of every topic and group name (see ``naming``).
    * ``partitions``: partitions of each events and retry topic the adapter creates.
      More partitions mean more members can share a group's work and more FIFO
      message groups proceed in parallel across members.
    * ``replication_factor``: of the topics the adapter creates.
    * ``operation_timeout`` (inherited): bound of every emit, subscribe, DLQ call
      and health check.
    * ``connect_timeout``: bound of opening a producer or admin connection.
    * ``drain_timeout``: how long ``unsubscribe``/``close`` (and giving partitions
      away in a rebalance) wait for in-flight handlers; handlers still running then
      are cancelled and their offsets left uncommitted (the events are redelivered).
    * ``max_message_bytes``: largest JSON payload accepted, checked before sending
      (keep it under the broker's ``message.max.bytes``).
    * ``session_timeout``, ``heartbeat_interval``, ``rebalance_timeout``: consumer
      group timings, in seconds. A member that stops heartbeating for
      ``session_timeout`` is dropped and its partitions move to the others. Apache
      Kafka rejects session timeouts under 6 s (``group.min.session.timeout.ms``);
      shorter values are accepted only with ``broker_quirks="tansu"``.
    * ``fetch_max_wait``: longest a fetch waits at the broker for new records
      (latency of an idle consumer noticing a new event on brokers that hold fetches).
    * ``metadata_max_age``: seconds between metadata refreshes; bounds how long a
      subscription takes to notice topics recreated after a broker lost them.
    * ``max_buffered``: records fetched but not yet finished per subscription;
      fetching pauses above it.
    * ``commit_interval``: least time between two offset commits of a subscription
      (0: commit after every finish). Stops and rebalances commit at once; a
      crash redelivers what finished since the last commit.
    * ``broker_quirks``: ``"tansu"`` enables the workarounds for the Tansu broker
      (see README): end offsets are confirmed by a fetch (Tansu's ListOffsets
      "latest" is wrong after batched produces), and short group timeouts are allowed.
    """

    url: str = Field(default=DEFAULT_URL, description="kafka://host:port[,host:port...] bootstrap brokers.")
    topic_prefix: str = Field(
        default="stepkit",
        pattern=r"^[A-Za-z0-9_-]{1,32}$",
        description="First segment of every topic and group name (ASCII letters, digits, _ -).",
    )
    partitions: int = Field(default=6, ge=1, le=1000)
    replication_factor: int = Field(default=1, ge=1, le=32)
    connect_timeout: float = Field(default=5.0, gt=0, le=3600)
    drain_timeout: float = Field(default=30.0, ge=0, le=3600)
    max_message_bytes: int = Field(default=900 * 1024, ge=1, le=100 * 1024 * 1024)
    session_timeout: float = Field(default=10.0, gt=0, le=3600)
    heartbeat_interval: float = Field(default=3.0, gt=0, le=3600)
    rebalance_timeout: float = Field(default=60.0, gt=0, le=3600)
    fetch_max_wait: float = Field(default=0.5, ge=0, le=60)
    metadata_max_age: float = Field(default=30.0, gt=0, le=3600)
    max_buffered: int = Field(default=1000, ge=1, le=1_000_000)
    commit_interval: float = Field(default=0.05, ge=0, le=60)
    broker_quirks: BrokerQuirks = "none"

    @field_validator("url")
    @classmethod
    def _url_is_kafka(cls, value: str) -> str:
        if not value.startswith("kafka://") or not value.removeprefix("kafka://").strip(","):
            raise ValueError("url must look like kafka://host:port[,host:port...]")
        for server in value.removeprefix("kafka://").split(","):
            host, _, port = server.rpartition(":")
            if not host or not port.isdigit():
                raise ValueError(f"url must list host:port pairs; {server!r} is not one")
        return value

    @model_validator(mode="after")
    def _timings_fit(self) -> KafkaEventsConfig:
        if self.heartbeat_interval >= self.session_timeout:
            raise ValueError(
                f"heartbeat_interval ({self.heartbeat_interval}) must be below session_timeout ({self.session_timeout})"
            )
        if self.session_timeout < KAFKA_MIN_SESSION_TIMEOUT and self.broker_quirks != "tansu":
            raise ValueError(
                f"session_timeout ({self.session_timeout}) is below Apache Kafka's minimum of "
                f"{KAFKA_MIN_SESSION_TIMEOUT:g}s; shorter timeouts need broker_quirks='tansu'"
            )
        return self

    @property
    def bootstrap_servers(self) -> list[str]:
        """The ``host:port`` bootstrap addresses of ``url``."""
        return self.url.removeprefix("kafka://").split(",")

    @property
    def verify_end_offsets(self) -> bool:
        """True when end offsets must be confirmed by a fetch (Tansu workaround)."""
        return self.broker_quirks == "tansu"


__all__ = ["DEFAULT_URL", "KAFKA_MIN_SESSION_TIMEOUT", "BrokerQuirks", "KafkaEventsConfig"]
