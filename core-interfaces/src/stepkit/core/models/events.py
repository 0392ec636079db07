"""Event and queue-configuration models."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from stepkit.core.backoff import Backoff
from stepkit.core.identifiers import validate_identifier
from stepkit.core.json_codec import check_json

QueueType = Literal["standard", "fifo"]


def new_message_id() -> str:
    """A fresh, globally unique message id."""
    return uuid.uuid4().hex


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
