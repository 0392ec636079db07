"""Event <-> AMQP message codec.

The body is the event's ``data`` as strict JSON (core ``json_codec``), checked
against ``max_message_bytes`` before anything is sent. Everything else travels in
properties and headers, so it survives dead-lettering and redelivery unchanged:

=====================  ==============================================
Event field            AMQP
=====================  ==============================================
message_id             ``message_id`` property
topic                  header ``x-stepkit-topic``
trace_id               header ``x-stepkit-trace-id``
message_group_id       header ``x-stepkit-message-group-id`` (absent if None)
traceparent, baggage   headers ``traceparent``, ``baggage`` (W3C names)
attempt                header ``x-stepkit-attempt`` (delivery number)
=====================  ==============================================

Messages are persistent (``delivery_mode=2``) with ``content_type`` JSON.
Copies made for retries, the DLQ and redrive carry only stepkit headers, never
the broker's ``x-death``, so RabbitMQ's dead-letter cycle detection never drops them.
"""

from __future__ import annotations

from typing import Any

from aio_pika import DeliveryMode, Message
from aio_pika.abc import AbstractIncomingMessage

from stepkit.core.errors import AdapterSerializationError
from stepkit.core.json_codec import dumps, loads
from stepkit.core.models.events import Event

HEADER_ATTEMPT = "x-stepkit-attempt"
HEADER_TOPIC = "x-stepkit-topic"
HEADER_TRACE_ID = "x-stepkit-trace-id"
HEADER_GROUP = "x-stepkit-message-group-id"
HEADER_TRACEPARENT = "traceparent"
HEADER_BAGGAGE = "baggage"
HEADER_QUEUE = "x-stepkit-queue"
"""On dead-lettered copies: the queue the event came from (where redrive returns it)."""
HEADER_ERROR = "x-stepkit-error"
"""On dead-lettered copies: the last handler error, truncated."""

CONTENT_TYPE = "application/json"
_CARRIED = (HEADER_TOPIC, HEADER_TRACE_ID, HEADER_GROUP, HEADER_TRACEPARENT, HEADER_BAGGAGE)
MAX_ERROR_CHARS = 1000


def encode(event: Event, *, max_bytes: int) -> Message:
    """The persistent AMQP message for a fresh emit of ``event`` (attempt 1).

    Raises:
        AdapterSerializationError: ``data`` is not JSON.
        ValueTooLargeError: the JSON body is larger than ``max_bytes``.
    """
    body = dumps(event.data, f"event data on topic {event.topic!r}", max_bytes=max_bytes).encode("utf-8")
    headers: dict[str, Any] = {
        HEADER_TOPIC: event.topic,
        HEADER_TRACE_ID: event.trace_id,
        HEADER_ATTEMPT: 1,
    }
    if event.message_group_id is not None:
        headers[HEADER_GROUP] = event.message_group_id
    if event.traceparent is not None:
        headers[HEADER_TRACEPARENT] = event.traceparent
    if event.baggage is not None:
        headers[HEADER_BAGGAGE] = event.baggage
    return Message(
        body,
        headers=headers,
        message_id=event.message_id,
        content_type=CONTENT_TYPE,
        delivery_mode=DeliveryMode.PERSISTENT,
    )


def stored_attempt(message: AbstractIncomingMessage) -> int:
    """The delivery number written in the ``x-stepkit-attempt`` header (1 if absent)."""
    value = message.headers.get(HEADER_ATTEMPT, 1)
    return value if isinstance(value, int) and value >= 1 else 1


def delivery_attempt(message: AbstractIncomingMessage) -> int:
    """The attempt number of this delivery.

    The header counts deliveries the adapter re-published (retries); a broker
    redelivery after a lost channel (``redelivered`` flag) counts one more, since
    the broker cannot tell whether a handler ran.
    """
    return stored_attempt(message) + (1 if message.redelivered else 0)


def _text(message: AbstractIncomingMessage, name: str) -> str | None:
    value = message.headers.get(name)
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, str):
        return value
    raise AdapterSerializationError(f"header {name!r} is {type(value).__name__}, expected a string")


def decode(message: AbstractIncomingMessage, attempt: int) -> Event:
    """The :class:`Event` carried by ``message``, with ``attempt`` set.

    Raises:
        AdapterSerializationError: the message was not written by this adapter
            (missing topic/trace/message id or a body that is not JSON).
    """
    topic = _text(message, HEADER_TOPIC)
    trace_id = _text(message, HEADER_TRACE_ID)
    if topic is None or trace_id is None or not message.message_id:
        raise AdapterSerializationError(
            "message lacks the stepkit topic, trace id or message id; it was not emitted by stepkit"
        )
    data = loads(message.body, f"event body on topic {topic!r}")
    # Built without re-validation: every field was validated at emit and the
    # body was produced by the strict codec.
    return Event.model_construct(
        topic=topic,
        data=data,
        trace_id=trace_id,
        message_id=message.message_id,
        message_group_id=_text(message, HEADER_GROUP),
        traceparent=_text(message, HEADER_TRACEPARENT),
        baggage=_text(message, HEADER_BAGGAGE),
        attempt=attempt,
    )


def copy(message: AbstractIncomingMessage, *, attempt: int, extra: dict[str, Any] | None = None) -> Message:
    """A persistent copy of ``message`` for a retry, the DLQ or redrive.

    Body, message id and the stepkit headers are kept; the attempt header is set
    to ``attempt``; ``extra`` headers are added; broker headers are dropped.
    """
    headers: dict[str, Any] = {name: message.headers[name] for name in _CARRIED if name in message.headers}
    headers[HEADER_ATTEMPT] = attempt
    if extra:
        headers.update(extra)
    return Message(
        message.body,
        headers=headers,
        message_id=message.message_id,
        content_type=message.content_type or CONTENT_TYPE,
        delivery_mode=DeliveryMode.PERSISTENT,
    )


def describe_error(exc: BaseException) -> str:
    """A short text for the ``x-stepkit-error`` header."""
    return repr(exc)[:MAX_ERROR_CHARS]


__all__ = [
    "HEADER_ATTEMPT",
    "HEADER_BAGGAGE",
    "HEADER_ERROR",
    "HEADER_GROUP",
    "HEADER_QUEUE",
    "HEADER_TOPIC",
    "HEADER_TRACEPARENT",
    "HEADER_TRACE_ID",
    "copy",
    "decode",
    "delivery_attempt",
    "describe_error",
    "encode",
    "stored_attempt",
]
