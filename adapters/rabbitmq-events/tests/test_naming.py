"""Pure-logic tests: names are injective, AMQP-valid and short; retry buckets are bounded."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stepkit.adapters.rabbitmq_events.naming import SEGMENT_BUDGET, Names, segment
from stepkit.adapters.rabbitmq_events.retry import RETRY_BUCKETS_MS, bucket_ms, exhausted
from stepkit.core.models.events import QueueConfig

AMQP_NAME = re.compile(r"^[a-zA-Z0-9\-_.:@#,/+ ]*$")
identifiers = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=256)


@given(identifiers, identifiers)
def test_segments_are_injective(a: str, b: str) -> None:
    if a != b:
        assert segment(a) != segment(b)


@given(identifiers, identifiers, identifiers)
def test_names_are_amqp_valid_and_within_255_bytes(namespace: str, topic: str, subscriber: str) -> None:
    names = Names("p" * 64, namespace)
    group = names.group(topic, subscriber)
    for name in (names.exchange, group.main, group.fifo, group.dlq, group.delay(900_000), names.retry(3_600_000)):
        assert AMQP_NAME.fullmatch(name), name
        assert len(name.encode("utf-8")) <= 255
    assert ":" not in names.routing_key(topic)


@pytest.mark.parametrize(
    ("topic_a", "sub_a", "topic_b", "sub_b"),
    [("a", "b:c", "a:b", "c"), ("a.b", "c", "a", "b.c"), ("x" * 256, "s", "x" * 255 + "y", "s")],
)
def test_group_names_never_collide(topic_a: str, sub_a: str, topic_b: str, sub_b: str) -> None:
    names = Names("stepkit", "ns")
    assert names.group(topic_a, sub_a).main != names.group(topic_b, sub_b).main


def test_long_identifiers_are_hashed_and_patterns_are_escaped() -> None:
    assert segment("x" * 256).startswith("@")
    assert len(segment("😀" * 256)) <= SEGMENT_BUDGET
    assert segment("a.*") != segment("a.#")
    assert "*" not in segment("a.*")
    assert "#" not in segment("#")


def test_retry_buckets_round_up_and_are_bounded() -> None:
    assert bucket_ms(0.0) == RETRY_BUCKETS_MS[0]
    assert bucket_ms(0.05) == 50
    assert bucket_ms(0.051) == 100
    assert bucket_ms(10**6) == RETRY_BUCKETS_MS[-1]
    assert all(bucket_ms(s / 7) >= s / 7 * 1000 for s in range(1, 20_000, 37))


def test_exhausted_after_max_retries_plus_one_attempts() -> None:
    config = QueueConfig(max_retries=2)
    assert not exhausted(2, config)
    assert exhausted(3, config)
