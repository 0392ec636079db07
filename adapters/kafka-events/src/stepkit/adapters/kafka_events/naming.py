"""Injective Kafka topic and group names from ``(prefix, namespace, topic, subscriber)``.

Identifiers are opaque unicode of up to 256 characters; Kafka topic names allow
only ``[a-zA-Z0-9._-]`` and at most 249 characters. Each identifier becomes one
*segment* over ``[A-Za-z0-9_-]`` (never ``.``, which joins segments):

* start from the core's injective :func:`~stepkit.core.identifiers.encode_segment`
  (percent-encoding over ``[A-Za-z0-9_.~-]``), then escape the four characters
  Kafka cannot take in a segment, ``_ . ~ %``, as ``_u``, ``_d``, ``_t`` and
  ``_p``. That substitution is a prefix code, so it is injective too;
* when the result is longer than :data:`SEGMENT_BUDGET`, use ``_h`` followed by
  the first 32 hex digits (128 bits) of the SHA-256 of the identifier's UTF-8.

``_h`` never occurs in a plain segment (``_`` is always followed by ``u d t p``),
so a hashed segment never equals a plain one; hashed segments collide only on a
128-bit SHA-256 prefix collision. Names (``.`` separates segments, so joined
names are injective as well):

====================  ================================================  =============
what                  name                                              partitions
====================  ================================================  =============
events of a topic     ``{prefix}.{ns}.{topic}.events``                  ``partitions``
retry lane of group   ``{prefix}.{ns}.{topic}.{subscriber}.retry``      ``partitions``
dead letters          ``{prefix}.{ns}.{topic}.{subscriber}.dlq``        1
consumer group        ``{prefix}.{ns}.{topic}.{subscriber}``            -
DLQ redrive cursor    ``{prefix}.{ns}.{topic}.{subscriber}.redrive``    - (a group)
====================  ================================================  =============

The longest name is 32 + 3 * 64 + 4 + ``redrive`` = 235 characters, under 249.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from stepkit.core.segments import bounded_segment, checked_name

SEGMENT_BUDGET = 64
"""Longest plain segment, in characters."""
HASH_MARK = "_h"
HASH_HEX_DIGITS = 32
MAX_TOPIC_NAME = 249
"""Kafka's limit on a topic name's length."""
_TO_KAFKA_ALPHABET = str.maketrans({"_": "_u", ".": "_d", "~": "_t", "%": "_p"})


@functools.lru_cache(maxsize=4096)
def segment(identifier: str) -> str:
    """The injective, dot-free, at most 64-character segment of ``identifier``."""
    return bounded_segment(
        identifier,
        translation=_TO_KAFKA_ALPHABET,
        budget=SEGMENT_BUDGET,
        hash_mark=HASH_MARK,
        hash_digits=HASH_HEX_DIGITS,
    )


def _checked(name: str) -> str:
    """``name``, asserted within Kafka's 249 characters (guaranteed by the budgets above)."""
    return checked_name(name, MAX_TOPIC_NAME, what="Kafka name")


@dataclass(frozen=True)
class GroupNames:
    """The consumer group and the topics owned by one ``(topic, subscriber)`` group."""

    events: str
    """The shared events topic the group consumes."""
    group_id: str
    retry: str
    dlq: str
    redrive: str


@dataclass(frozen=True)
class Names:
    """All names of one ``(topic_prefix, namespace)``."""

    prefix: str
    namespace: str

    @property
    def base(self) -> str:
        """``{prefix}.{namespace segment}``, the start of every name."""
        return f"{self.prefix}.{segment(self.namespace)}"

    def events(self, topic: str) -> str:
        """The topic every event emitted on ``topic`` is written to."""
        return _checked(f"{self.base}.{segment(topic)}.events")

    def group(self, topic: str, subscriber: str) -> GroupNames:
        """The names of group ``subscriber`` on ``topic``."""
        group_id = f"{self.base}.{segment(topic)}.{segment(subscriber)}"
        return GroupNames(
            events=self.events(topic),
            group_id=_checked(group_id),
            retry=_checked(f"{group_id}.retry"),
            dlq=_checked(f"{group_id}.dlq"),
            redrive=_checked(f"{group_id}.redrive"),
        )


__all__ = ["HASH_MARK", "MAX_TOPIC_NAME", "SEGMENT_BUDGET", "GroupNames", "Names", "segment"]
