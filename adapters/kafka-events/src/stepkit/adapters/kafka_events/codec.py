"""Event <-> Kafka record codec.

The record value is the event's ``data`` as strict JSON (core ``json_codec``),
checked against ``max_message_bytes`` before anything is sent. The record key is
the ``message_group_id`` (UTF-8), so one message group always lands on one
partition; events without one have no key (spread over partitions). Everything
else travels in headers, so it survives retries, dead-lettering and redrive:

=====================  ==============================================
Event field            Kafka record
=====================  ==============================================
data                   value (JSON)
message_group_id       key and header ``x-stepkit-message-group-id``
topic                  header ``x-stepkit-topic``
message_id             header ``x-stepkit-message-id``
trace_id               header ``x-stepkit-trace-id``
traceparent, baggage   headers ``traceparent``, ``baggage`` (W3C names)
attempt                header ``x-stepkit-attempt`` (absent = 1)
=====================  ==============================================

Copies for the retry lane carry ``x-stepkit-not-before`` (epoch milliseconds);
dead letters carry ``x-stepkit-error`` (the last handler error, truncated).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stepkit.core.errors import AdapterSerializationError
from stepkit.core.json_codec import dumps_bytes, loads
from stepkit.core.models.events import Event

HEADER_TOPIC = "x-stepkit-topic"
HEADER_MESSAGE_ID = "x-stepkit-message-id"
HEADER_TRACE_ID = "x-stepkit-trace-id"
HEADER_GROUP = "x-stepkit-message-group-id"
HEADER_TRACEPARENT = "traceparent"
HEADER_BAGGAGE = "baggage"
HEADER_ATTEMPT = "x-stepkit-attempt"
HEADER_NOT_BEFORE = "x-stepkit-not-before"
HEADER_ERROR = "x-stepkit-error"
MAX_ERROR_CHARS = 1000
_CARRIED = (HEADER_TOPIC, HEADER_MESSAGE_ID, HEADER_TRACE_ID, HEADER_GROUP, HEADER_TRACEPARENT, HEADER_BAGGAGE)

Headers = list[tuple[str, bytes]]


@dataclass(frozen=True)
class OutRecord:
    """What to produce: key, value and headers."""

    key: bytes | None
    value: bytes
    headers: Headers


def encode(event: Event, *, max_bytes: int) -> OutRecord:
    """The record for a fresh emit of ``event`` (attempt 1).

    Raises:
        AdapterSerializationError: ``data`` is not JSON.
        ValueTooLargeError: the JSON value is larger than ``max_bytes``.
    """
    value = dumps_bytes(event.data, f"event data on topic {event.topic!r}", max_bytes=max_bytes)
    headers: Headers = [
        (HEADER_TOPIC, event.topic.encode("utf-8")),
        (HEADER_MESSAGE_ID, event.message_id.encode("utf-8")),
        (HEADER_TRACE_ID, event.trace_id.encode("utf-8")),
    ]
    key = None
    if event.message_group_id is not None:
        key = event.message_group_id.encode("utf-8")
        headers.append((HEADER_GROUP, key))
    if event.traceparent is not None:
        headers.append((HEADER_TRACEPARENT, event.traceparent.encode("utf-8")))
    if event.baggage is not None:
        headers.append((HEADER_BAGGAGE, event.baggage.encode("utf-8")))
    return OutRecord(key, value, headers)


def header_map(record: Any) -> dict[str, bytes]:
    """The headers of a consumed aiokafka record as a dict (last value wins)."""
    return dict(record.headers or ())


def _text(headers: dict[str, bytes], name: str) -> str | None:
    value = headers.get(name)
    return None if value is None else value.decode("utf-8")


def _int(headers: dict[str, bytes], name: str, default: int) -> int:
    value = headers.get(name)
    if value is None:
        return default
    try:
        return int(value.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return default


def attempt_of(headers: dict[str, bytes]) -> int:
    """The delivery number stored in ``x-stepkit-attempt`` (1 when absent)."""
    return max(1, _int(headers, HEADER_ATTEMPT, 1))


def not_before_ms(headers: dict[str, bytes]) -> int:
    """The earliest handling time of a retry copy, epoch milliseconds (0 when absent)."""
    return _int(headers, HEADER_NOT_BEFORE, 0)


def decode(record: Any, headers: dict[str, bytes], attempt: int) -> Event:
    """The :class:`Event` carried by a consumed record, with ``attempt`` set.

    Raises:
        AdapterSerializationError: the record was not written by this adapter.
    """
    topic = _text(headers, HEADER_TOPIC)
    message_id = _text(headers, HEADER_MESSAGE_ID)
    trace_id = _text(headers, HEADER_TRACE_ID)
    if topic is None or message_id is None or trace_id is None:
        raise AdapterSerializationError("record lacks the stepkit topic, message id or trace id headers")
    data = loads(record.value, f"event value on topic {topic!r}")
    # Built without re-validation: every field was validated at emit.
    return Event.trusted(
        topic=topic,
        data=data,
        trace_id=trace_id,
        message_id=message_id,
        message_group_id=_text(headers, HEADER_GROUP),
        traceparent=_text(headers, HEADER_TRACEPARENT),
        baggage=_text(headers, HEADER_BAGGAGE),
        attempt=attempt,
    )


def copy(
    record: Any, headers: dict[str, bytes], *, attempt: int, not_before: int = 0, error: str | None = None
) -> OutRecord:
    """A copy of a consumed record for the retry lane, the DLQ or a redrive.

    Key, value and the carried headers are kept; ``attempt``, ``not_before``
    (epoch ms, omitted when 0) and ``error`` are set.
    """
    out: Headers = [(name, headers[name]) for name in _CARRIED if name in headers]
    out.append((HEADER_ATTEMPT, str(attempt).encode("ascii")))
    if not_before:
        out.append((HEADER_NOT_BEFORE, str(not_before).encode("ascii")))
    if error is not None:
        out.append((HEADER_ERROR, error[:MAX_ERROR_CHARS].encode("utf-8", "replace")))
    return OutRecord(record.key, record.value, out)


__all__ = [
    "HEADER_ATTEMPT",
    "HEADER_ERROR",
    "HEADER_NOT_BEFORE",
    "Headers",
    "OutRecord",
    "attempt_of",
    "copy",
    "decode",
    "encode",
    "header_map",
    "not_before_ms",
]
