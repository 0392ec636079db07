"""Event ids and ``Event.trusted``: what adapters rely on when they build or rebuild events."""

from __future__ import annotations

import uuid

from stepkit.core import Event


def test_generated_ids_are_distinct_uuid4_hex() -> None:
    ids = {Event(topic="t").message_id for _ in range(200)}
    assert len(ids) == 200
    for value in ids:
        parsed = uuid.UUID(value)
        assert parsed.hex == value
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122


def test_trusted_equals_model_construct_with_every_field() -> None:
    event = Event(topic="t", data=[1, {"a": 2.5}], message_group_id="g", baggage="k=v", traceparent=None)
    fields = {**event.model_dump(), "attempt": 3}
    rebuilt = Event.trusted(**fields)
    expected = Event.model_construct(**fields)
    assert rebuilt == expected
    assert rebuilt.model_dump() == expected.model_dump()
    assert rebuilt.model_fields_set == expected.model_fields_set
    rebuilt.attempt = 4  # an ordinary mutable model: changing it leaves the other untouched
    assert expected.attempt == 3
