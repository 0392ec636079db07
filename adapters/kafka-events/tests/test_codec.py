"""Event <-> record codec (pure logic, no broker)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from stepkit.adapters.kafka_events import codec
from stepkit.core import Event
from stepkit.core.errors import AdapterSerializationError, ValueTooLargeError


@dataclass
class Consumed:
    """The fields of an aiokafka ConsumerRecord the codec reads."""

    key: bytes | None
    value: bytes
    headers: list[tuple[str, bytes]]


def consumed(out: codec.OutRecord) -> Consumed:
    return Consumed(out.key, out.value, list(out.headers))


def test_round_trip_keeps_every_field() -> None:
    event = Event(
        topic="t:1 🙂",
        data={"big": 10**37, "f": -0.0, "s": "\u0000é", "l": [None, True]},
        trace_id="trace",
        message_group_id="g/1",
        traceparent="00-" + "a" * 32 + "-" + "b" * 16 + "-01",
        baggage="k=v",
    )
    out = codec.encode(event, max_bytes=10_000)
    assert out.key == b"g/1"
    record = consumed(out)
    headers = codec.header_map(record)
    back = codec.decode(record, headers, codec.attempt_of(headers))
    assert back.model_dump() == event.model_dump()


def test_copies_carry_attempt_not_before_and_error() -> None:
    record = consumed(codec.encode(Event(topic="t", data=1), max_bytes=100))
    copy = consumed(codec.copy(record, codec.header_map(record), attempt=3, not_before=1234, error="boom"))
    headers = codec.header_map(copy)
    assert codec.attempt_of(headers) == 3
    assert codec.not_before_ms(headers) == 1234
    assert headers[codec.HEADER_ERROR] == b"boom"
    assert codec.decode(copy, headers, 3).attempt == 3


def test_size_limit_is_checked_before_sending() -> None:
    with pytest.raises(ValueTooLargeError, match="limit is 10 bytes"):
        codec.encode(Event(topic="t", data="x" * 20), max_bytes=10)


def test_foreign_records_are_refused() -> None:
    record = Consumed(None, b"1", [])
    with pytest.raises(AdapterSerializationError, match="stepkit"):
        codec.decode(record, {}, 1)


def test_decoded_event_is_what_model_construct_builds() -> None:
    event = Event(topic="t", data=[1, {"a": 2.5}], message_group_id="g", baggage="k=v")
    record = consumed(codec.encode(event, max_bytes=10_000))
    headers = codec.header_map(record)
    back = codec.decode(record, headers, 3)
    fields = {**event.model_dump(), "attempt": 3}
    expected = Event.model_construct(**fields)
    assert back == expected
    assert back.model_dump() == expected.model_dump()
    assert back.model_fields_set == expected.model_fields_set
    back.attempt = 4  # an ordinary mutable model: its fields set is its own
    assert back.attempt == 4
    assert expected.attempt == 3
