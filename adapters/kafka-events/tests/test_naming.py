"""Topic and group names: valid for Kafka, injective, bounded (pure logic, no broker)."""

from __future__ import annotations

import re

import pytest

from stepkit.adapters.kafka_events.naming import HASH_MARK, MAX_TOPIC_NAME, SEGMENT_BUDGET, Names, segment

KAFKA_TOPIC = re.compile(r"^[A-Za-z0-9._-]{1,249}$")
NASTY = [
    "a",
    "a.b",
    "a_b",
    "a_ub",
    "a~b",
    "a%b",
    "a%25b",
    "a:b",
    "a*",
    "a?",
    "[x]",
    "a/b",
    "a b",
    "é",
    "🙂",
    "\u0000",
    "_d",
]


def test_segments_use_the_kafka_alphabet_without_dots() -> None:
    for identifier in [*NASTY, "x" * 256, "🙂" * 256]:
        value = segment(identifier)
        assert re.fullmatch(r"[A-Za-z0-9_-]+", value), value
        assert len(value) <= SEGMENT_BUDGET


def test_segments_are_injective_on_nasty_identifiers() -> None:
    identifiers = [*NASTY, "x" * 64, "x" * 65, "x" * 256, "x" * 255, "🙂" * 100, "🙂" * 101]
    segments = [segment(i) for i in identifiers]
    assert len(set(segments)) == len(identifiers)


def test_long_identifiers_are_hashed_and_never_equal_plain_ones() -> None:
    hashed = segment("x" * 256)
    assert hashed.startswith(HASH_MARK)
    assert all(not segment(i).startswith(HASH_MARK) for i in NASTY)


def test_group_names_do_not_collide_across_joins() -> None:
    names = Names("stepkit", "ns")
    first, second = names.group("a", "b.c"), names.group("a.b", "c")
    assert first.group_id != second.group_id
    assert first.events != second.events
    assert Names("stepkit", "a.b").events("c") != Names("stepkit", "a").events("b.c")


@pytest.mark.parametrize("identifier", ["t", "🙂" * 256, "x" * 256])
def test_every_name_is_a_valid_kafka_topic(identifier: str) -> None:
    names = Names("p" * 32, identifier)
    group = names.group(identifier, identifier)
    for name in (group.events, group.retry, group.dlq, group.redrive, group.group_id):
        assert KAFKA_TOPIC.fullmatch(name), name
        assert len(name) <= MAX_TOPIC_NAME
