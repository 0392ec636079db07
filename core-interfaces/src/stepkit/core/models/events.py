"""Event and queue-configuration models."""

from __future__ import annotations

import os
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from stepkit.core.backoff import Backoff
from stepkit.core.identifiers import validate_identifier
from stepkit.core.json_codec import check_json

QueueType = Literal["standard", "fifo"]


_UUID4_CLEAR = ~(0xC000 << 48) & ~(0xF000 << 64)
_UUID4_SET = (0x8000 << 48) | (4 << 76)


def new_message_id() -> str:
    """A fresh, globally unique message id: a random (version 4) UUID as 32 lowercase hex digits.

    Exactly ``uuid.uuid4().hex`` (same randomness source, version and variant
    bits), without building a ``UUID`` object: this runs twice per emitted event.
    """
    return "%032x" % (int.from_bytes(os.urandom(16), "big") & _UUID4_CLEAR | _UUID4_SET)


class Event(BaseModel):
    """One event on a topic.

    ``message_id`` is unique per emit and survives delivery unchanged, as do
    ``data`` (any JSON value), ``trace_id``, ``traceparent`` and ``baggage``.
    ``attempt`` is set by the adapter on delivery: 1 for the first delivery,
    then 2, 3, ... for redeliveries.
    """

    model_config = ConfigDict(extra="forbid")

    topic: str
    data: Any = None
    trace_id: str = Field(default_factory=new_message_id)
    message_id: str = Field(default_factory=new_message_id)
    message_group_id: str | None = None
    traceparent: str | None = None
    baggage: str | None = None
    attempt: int = Field(default=1, ge=1)

    @classmethod
    def trusted(
        cls,
        *,
        topic: str,
        data: Any,
        trace_id: str,
        message_id: str,
        message_group_id: str | None,
        traceparent: str | None,
        baggage: str | None,
        attempt: int,
    ) -> Event:
        """An event from values that were already validated, without validating them again.

        For adapters rebuilding a delivered event from what an earlier ``Event``
        carried (every field was validated when that event was built). The result
        equals ``Event.model_construct(...)`` with every field given (all fields
        count as set), built several times faster; it performs no checks at all,
        so it must never be fed unchecked input.
        """
        event = cls.__new__(cls)
        _set = object.__setattr__
        _set(
            event,
            "__dict__",
            {
                "topic": topic,
                "data": data,
                "trace_id": trace_id,
                "message_id": message_id,
                "message_group_id": message_group_id,
                "traceparent": traceparent,
                "baggage": baggage,
                "attempt": attempt,
            },
        )
        _set(event, "__pydantic_fields_set__", set(_EVENT_FIELDS))
        _set(event, "__pydantic_extra__", None)
        _set(event, "__pydantic_private__", None)
        return event

    @field_validator("topic")
    @classmethod
    def _topic_is_identifier(cls, value: str) -> str:
        return validate_identifier(value, "topic")

    @field_validator("message_group_id")
    @classmethod
    def _group_is_identifier(cls, value: str | None) -> str | None:
        return None if value is None else validate_identifier(value, "message_group_id")

    @field_validator("data")
    @classmethod
    def _data_is_json(cls, value: Any) -> Any:
        check_json(value, "event data")
        return value


_EVENT_FIELDS = frozenset(Event.model_fields)


class QueueConfig(BaseModel):
    """How one subscriber group consumes a topic.

    * ``type``: ``standard`` or ``fifo`` (needs the ``FIFO`` capability).
    * ``max_retries``: redeliveries after the first failure before the event is
      dead-lettered (so ``max_retries + 1`` handler calls at most).
    * ``visibility_timeout``: seconds a delivered event stays invisible to
      other members while its handler runs.
    * ``delay_seconds``: postpone every delivery (needs ``DELAY``).
    * ``concurrency``: in-flight handlers per subscription, at most.
    * ``backoff``: waits between redeliveries.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: QueueType = "standard"
    max_retries: int = Field(default=3, ge=0, le=1000)
    visibility_timeout: float = Field(default=30.0, gt=0)
    delay_seconds: float = Field(default=0.0, ge=0, le=900)
    concurrency: int = Field(default=10, ge=1, le=10_000)
    backoff: Backoff = Field(default_factory=Backoff)


__all__ = ["Event", "QueueConfig", "QueueType", "new_message_id"]
