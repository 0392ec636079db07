"""Topic, queue and id naming: pure logic, no server."""

from __future__ import annotations

import itertools
import re

from stepkit.adapters.sqs_events.naming import QUEUE_NAME_LIMIT, TOPIC_NAME_LIMIT, Names, sqs_token

NASTY = ["a", "a:b", "a*", "a?", "[x]", "a/b", "%41", "A", "a b", "🦄", "\u0000", "x" * 256, "é" * 256]
QUEUE = re.compile(r"[A-Za-z0-9_-]{1,75}(\.fifo)?")
TOPIC = re.compile(r"[A-Za-z0-9_-]{1,251}\.fifo")


def test_names_fit_aws_rules_for_any_identifier() -> None:
    names = Names("stepkit-long-prefix1", "ns:" + "🦄" * 250)
    for topic, subscriber in itertools.product(NASTY, NASTY):
        assert TOPIC.fullmatch(names.topic(topic))
        assert len(names.topic(topic)) <= TOPIC_NAME_LIMIT
        for fifo in (False, True):
            group = names.group(topic, subscriber, fifo)
            for name in (group.queue, group.dlq):
                assert QUEUE.fullmatch(name), name
                assert len(name) <= QUEUE_NAME_LIMIT
                assert name.endswith(".fifo") == fifo


def test_names_never_collide() -> None:
    seen: dict[str, tuple[str, ...]] = {}
    for namespace in ("n", "n:a", "N"):
        names = Names("stepkit", namespace)
        for topic, subscriber in itertools.product(NASTY, NASTY):
            for fifo in (False, True):
                group = names.group(topic, subscriber, fifo)
                for kind, name in (("queue", group.queue), ("dlq", group.dlq)):
                    key = (kind, namespace, topic, subscriber, str(fifo))
                    assert seen.setdefault(name, key) == key, f"{name} names {seen[name]} and {key}"
            key = ("topic", namespace, topic)
            assert seen.setdefault(names.topic(topic), key) == key
    # collision twins: group a + key b:c vs group a:b + key c
    names = Names("stepkit", "n")
    assert names.group("a", "b:c", False).queue != names.group("a:b", "c", False).queue


def test_dlq_names_are_not_queue_names() -> None:
    group = Names("p", "n").group("t", "s", False)
    assert group.dlq.endswith("-dlq")
    assert re.search(r"[0-9a-f]{32}$", group.queue)


def test_tokens_fit_and_never_collide() -> None:
    values = ["m", "g:1", "#x", "a b", "é", "x" * 126, "x" * 127, "x" * 500, "\u0000", ""]
    tokens = {(kind, value): sqs_token(kind, value) for kind in ("g", "u", "m") for value in values}
    assert len(set(tokens.values())) == len(tokens)
    for token in tokens.values():
        assert len(token) <= 128
        assert re.fullmatch(r"[!-~]+", token)
    assert sqs_token("g", "order-1") == "g:order-1"
