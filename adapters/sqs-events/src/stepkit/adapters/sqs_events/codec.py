"""An event as one SNS/SQS message body (raw message delivery: SNS passes the body through).

The body is the JSON object ``{"v": 1, "id": message_id, "topic": ..., "trace":
trace_id, "group": message_group_id, "tp": traceparent, "bg": baggage, "data":
...}`` in the core's strict JSON (ints of any documented size, ``-0.0`` and
unicode kept). No message attributes are used, so the size checked is the
size sent. SQS refuses U+FFFE and U+FFFF in a body; they only occur inside
JSON strings, where they are written as ``\\uFFFE`` / ``\\uFFFF`` escapes.
"""

from __future__ import annotations

import re
from typing import Any

from stepkit.core.errors import AdapterSerializationError, ValueTooLargeError
from stepkit.core.json_codec import dumps, loads
from stepkit.core.models.events import Event

VERSION = 1
_NOT_SQS_TEXT = re.compile("[\ufffe\uffff]")


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def encode(event: Event, max_bytes: int) -> str:
    """The message body of ``event``.

    Raises:
        AdapterSerializationError: a field is not JSON (checked before anything is sent).
        ValueTooLargeError: the body is over ``max_bytes`` (both numbers in the message).
    """
    envelope: dict[str, Any] = {
        "v": VERSION,
        "id": event.message_id,
        "topic": event.topic,
        "trace": event.trace_id,
        "group": event.message_group_id,
        "tp": event.traceparent,
        "bg": event.baggage,
        "data": event.data,
    }
    text = _NOT_SQS_TEXT.sub(_escape, dumps(envelope, f"event on topic {event.topic!r}"))
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        raise ValueTooLargeError(f"event on topic {event.topic!r} (its SQS message body)", size, max_bytes)
    return text


def decode(body: str, attempt: int) -> Event:
    """The event in ``body``, delivered for the ``attempt``-th time.

    Raises:
        AdapterSerializationError: the body is not an event written by :func:`encode`.
    """
    value = loads(body, "SQS message body")
    if not isinstance(value, dict) or value.get("v") != VERSION:
        raise AdapterSerializationError("SQS message body is not a stepkit event (version 1 envelope)")
    try:
        return Event(
            topic=value["topic"],
            data=value.get("data"),
            trace_id=value["trace"],
            message_id=value["id"],
            message_group_id=value.get("group"),
            traceparent=value.get("tp"),
            baggage=value.get("bg"),
            attempt=max(1, attempt),
        )
    except (KeyError, ValueError) as exc:
        raise AdapterSerializationError(f"SQS message body is not a valid stepkit event: {exc}") from exc


__all__ = ["VERSION", "decode", "encode"]
