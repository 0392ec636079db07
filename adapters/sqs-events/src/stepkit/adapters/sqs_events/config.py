"""Settings of the SQS events adapter (``STEPKIT_EVENTS_*`` in the environment)."""

from __future__ import annotations

from pydantic import Field

from stepkit.adapters.aws_common import AwsSettings

SQS_MAX_MESSAGE_BYTES = 256 * 1024
"""SNS' and SQS' largest message (body and attributes), in bytes."""
SQS_MAX_DELAY_SECONDS = 900
"""SQS' largest ``DelaySeconds`` (15 minutes)."""
SQS_MAX_VISIBILITY_SECONDS = 43_200
"""SQS' largest visibility timeout (12 hours)."""
SQS_MAX_RETENTION_SECONDS = 1_209_600
"""SQS' longest message retention (14 days)."""


class SqsEventsConfig(AwsSettings):
    """Configuration of :class:`~stepkit.adapters.sqs_events.adapter.SqsEventAdapter`.

    AWS client fields (``url``, ``region``, keys, ``connect_timeout``,
    ``max_attempts``) come from :class:`~stepkit.adapters.aws_common.AwsSettings`.

    * ``name_prefix``: first part of every SNS topic and SQS queue name
      (ASCII letters, digits, ``_``, ``-``; at most 20 characters).
    * ``max_message_bytes``: largest encoded event (the SQS message body),
      checked before publishing; at most SQS' 262144 bytes.
    * ``wait_time_seconds``: long-poll length of one ``ReceiveMessage`` (0-20 s).
      Short waits keep ``unsubscribe``/``close`` prompt; each wait that ends
      empty is one billed request.
    * ``visibility_lease``: longest visibility the adapter grants at a time.
      A received event stays invisible for ``min(visibility_timeout,
      visibility_lease)`` seconds (whole seconds, at least 1), renewed with
      ``ChangeMessageVisibility`` while its handler runs; the events of a member
      that dies reappear at most that long after its last renewal.
    * ``drain_timeout``: how long ``unsubscribe``/``close`` wait for in-flight
      handlers; those still running then are cancelled and their events made
      visible again (redelivered, never deleted).
    * ``message_retention_seconds``: how long queues (and DLQs) keep events
      while no member consumes them (SQS allows 60 s to 14 days).
    * ``setup_timeout``: bound of each topology call (``CreateTopic``,
      ``CreateQueue``, ``SetQueueAttributes``, ``Subscribe``) made by
      ``subscribe``, by the first emit to a topic and when re-creating a lost
      topology. Resource creation is rare and can be slow (a cold moto loads
      each service on its first request); a refused connection still fails at once.
    * ``max_connections``: HTTP connections per client (each subscription keeps
      one long poll open).
    * ``operation_timeout`` (inherited): bound of every emit, subscribe, DLQ call.
    """

    name_prefix: str = Field(default="stepkit", pattern=r"^[A-Za-z0-9_-]{1,20}$")
    max_message_bytes: int = Field(default=SQS_MAX_MESSAGE_BYTES, ge=1, le=SQS_MAX_MESSAGE_BYTES)
    wait_time_seconds: int = Field(default=1, ge=0, le=20)
    visibility_lease: float = Field(default=10.0, ge=1, le=SQS_MAX_VISIBILITY_SECONDS)
    drain_timeout: float = Field(default=30.0, ge=0, le=3600)
    message_retention_seconds: int = Field(default=SQS_MAX_RETENTION_SECONDS, ge=60, le=SQS_MAX_RETENTION_SECONDS)
    setup_timeout: float = Field(default=10.0, gt=0, le=600)
    max_connections: int = Field(default=100, ge=1, le=1000)


__all__ = [
    "SQS_MAX_DELAY_SECONDS",
    "SQS_MAX_MESSAGE_BYTES",
    "SQS_MAX_RETENTION_SECONDS",
    "SQS_MAX_VISIBILITY_SECONDS",
    "SqsEventsConfig",
]
