"""The message body codec: pure logic, no server."""

from __future__ import annotations

import pytest

from stepkit.adapters.sqs_events import codec
from stepkit.core import AdapterSerializationError, Event, ValueTooLargeError


def test_roundtrip_keeps_every_field() -> None:
    event = Event(
        topic="t:🦄",
        data={"big": 10**38 - 1, "neg0": -0.0, "s": "\u0000\ufffe\uffff", "l": [1, 2.5, None, True]},
        trace_id="trace",
        message_group_id="g*",
        traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        baggage="userId=alice",
    )
    body = codec.encode(event, 256 * 1024)
    assert "\ufffe" not in body
    assert "\uffff" not in body
    back = codec.decode(body, 3)
    assert back.model_dump(exclude={"attempt"}) == event.model_dump(exclude={"attempt"})
    assert back.attempt == 3
    assert repr(back.data["neg0"]) == "-0.0"


def test_too_large_names_both_numbers_before_sending() -> None:
    event = Event(topic="t", data="x" * 5000)
    with pytest.raises(ValueTooLargeError) as info:
        codec.encode(event, 4096)
    assert "4096" in str(info.value)
    assert str(info.value.size) in str(info.value)
    assert info.value.size > 4096


def test_foreign_bodies_are_refused() -> None:
    for body in ("not json", "[1]", '{"v": 2}', '{"v": 1}'):
        with pytest.raises(AdapterSerializationError):
            codec.decode(body, 1)
