"""Exchange, queue and routing-key names: injective and within RabbitMQ's 255-byte limit.

AMQP clients accept only ``[A-Za-z0-9-_.:@#,/+ ]`` in queue and exchange names
(pamqp validates this). Every identifier (namespace, topic, subscriber) becomes
one *segment* in that alphabet:

* core ``encode_segment(identifier)`` (percent-encoding, alphabet
  ``[A-Za-z0-9_.~%-]``) with ``%`` written as ``+`` and ``~`` as ``,`` (a
  character-for-character bijection, so still injective), when that is at most
  :data:`SEGMENT_BUDGET` characters;
* otherwise ``"@"`` followed by the first 32 hex digits (128 bits) of the SHA-256
  of the identifier's UTF-8 bytes.

``@`` never occurs in a plain segment, so a plain segment never equals a hashed
one; plain segments are injective by construction, hashed ones up to a SHA-256
prefix collision (about 2**-64 even for billions of names). Segments never
contain ``:``, which joins them, so the joined names are injective too. Names:

=====================  ==================================================  ========
what                   name                                                type
=====================  ==================================================  ========
events exchange        ``{prefix}:{ns}:events``                            direct
routing key            ``{topic}``                                         -
group queue            ``{prefix}:{ns}:{topic}:{subscriber}:main``         queue
FIFO group queue       ``{prefix}:{ns}:{topic}:{subscriber}:fifo``         queue
dead-letter queue      ``{prefix}:{ns}:{topic}:{subscriber}:dlq``          queue
delay queue            ``{prefix}:{ns}:{topic}:{subscriber}:delay:{ms}``   queue
retry bucket           ``{prefix}:{ns}:retry:{ms}``                        fanout + queue
=====================  ==================================================  ========

The longest name is 64 + 3 * 56 + 4 + ``delay:900000`` = 248 bytes (all ASCII).
Routing is on a *direct* exchange with the encoded topic as key: exact match only,
so ``.``, ``*`` and ``#`` in topics are never patterns.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from stepkit.core.segments import bounded_segment, checked_name, utf8_size

SEGMENT_BUDGET = 56
"""Longest plain segment, in characters (ASCII, so also bytes)."""
HASH_MARK = "@"
_TO_AMQP_ALPHABET = str.maketrans({"%": "+", "~": ","})
HASH_HEX_DIGITS = 32
MAX_NAME_BYTES = 255


@functools.lru_cache(maxsize=4096)
def segment(identifier: str) -> str:
    """The injective, colon-free, at most 56-character segment for ``identifier``."""
    return bounded_segment(
        identifier,
        translation=_TO_AMQP_ALPHABET,
        budget=SEGMENT_BUDGET,
        hash_mark=HASH_MARK,
        hash_digits=HASH_HEX_DIGITS,
    )


def _checked(name: str) -> str:
    """``name``, asserted within RabbitMQ's 255 bytes (guaranteed by the budgets above)."""
    return checked_name(name, MAX_NAME_BYTES, what="AMQP name", size=utf8_size, unit="bytes")


@dataclass(frozen=True)
class GroupNames:
    """The queues of one ``(topic, subscriber)`` group."""

    main: str
    fifo: str
    dlq: str
    base: str

    def consume_queue(self, fifo: bool) -> str:
        """The queue the group's members consume: ``fifo`` or ``main``."""
        return self.fifo if fifo else self.main

    def delay(self, delay_ms: int) -> str:
        """The TTL queue that postpones every delivery of the group by ``delay_ms``."""
        return _checked(f"{self.base}:delay:{delay_ms}")


@dataclass(frozen=True)
class Names:
    """All names of one ``(exchange_prefix, namespace)``."""

    prefix: str
    namespace: str

    @property
    def base(self) -> str:
        """``{prefix}:{namespace segment}``, the start of every name."""
        return f"{self.prefix}:{segment(self.namespace)}"

    @property
    def exchange(self) -> str:
        """The durable direct exchange events are emitted to."""
        return _checked(f"{self.base}:events")

    @staticmethod
    def routing_key(topic: str) -> str:
        """The exact-match routing key of ``topic``."""
        return segment(topic)

    def group(self, topic: str, subscriber: str) -> GroupNames:
        """The queue names of group ``subscriber`` on ``topic``."""
        base = f"{self.base}:{segment(topic)}:{segment(subscriber)}"
        return GroupNames(
            main=_checked(f"{base}:main"),
            fifo=_checked(f"{base}:fifo"),
            dlq=_checked(f"{base}:dlq"),
            base=base,
        )

    def retry(self, delay_ms: int) -> str:
        """The fanout exchange and TTL queue (same name) of one retry-delay bucket."""
        return _checked(f"{self.base}:retry:{delay_ms}")


__all__ = ["HASH_MARK", "SEGMENT_BUDGET", "GroupNames", "Names", "segment"]
