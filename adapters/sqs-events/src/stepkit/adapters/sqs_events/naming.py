"""SNS topic and SQS queue names, and the ids SQS carries, for arbitrary identifiers.

Identifiers (namespace, topic, subscriber, message group) are any unicode up
to 256 characters; SNS/SQS names allow ``[A-Za-z0-9_-]`` only, 256 characters
for a topic and 80 for a queue (``.fifo`` included). So every name is::

    {prefix}-{slug}-{hash}          SNS topic   (+ ".fifo": every topic is FIFO)
    {prefix}-{slug}-{hash}          SQS queue   (+ ".fifo" for a fifo group)
    {prefix}-{slug}-{hash}-dlq      its DLQ     (+ ".fifo")

``hash`` is 32 hex digits (128 bits) of SHA-256 over the JSON array
``[kind, namespace, topic(, subscriber)]``: the name is determined by the exact
identifiers (different namespaces, topics or groups never share a topic or
queue; no identifier is ever a pattern or a name prefix of another). ``slug``
is a lossy, human-readable hint (non-alphanumerics become ``_``), truncated to
fit; it carries no meaning. A DLQ name ends in ``-dlq``, which no main queue
name (ending in hex digits) can.

Message group and deduplication ids allow 128 printable ASCII characters:
:func:`sqs_token` keeps a value that fits as ``{kind}:{value}`` and hashes one
that does not as ``{kind}#{sha256}``, so distinct values never share an id.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

QUEUE_NAME_LIMIT = 80
"""SQS' longest queue name, ``.fifo`` included."""
TOPIC_NAME_LIMIT = 256
"""SNS' longest topic name, ``.fifo`` included."""
FIFO_SUFFIX = ".fifo"
DLQ_SUFFIX = "-dlq"
HASH_LENGTH = 32
TOKEN_LIMIT = 128
"""Longest MessageGroupId / MessageDeduplicationId."""

_UNSAFE = re.compile(r"[^A-Za-z0-9]+")
_TOKEN_SAFE = re.compile(r"[!-~]+")


def _digest(*parts: str) -> str:
    encoded = json.dumps(list(parts), ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("ascii")).hexdigest()[:HASH_LENGTH]


def _slug(parts: tuple[str, ...], room: int) -> str:
    text = "_".join(_UNSAFE.sub("_", part).strip("_") for part in parts)
    return text[:room].strip("_") or "x"


def sqs_token(kind: str, value: str) -> str:
    """An SQS group/deduplication id for ``value``, distinct for distinct ``(kind, value)``.

    ``kind`` is a short ASCII tag without ``:`` or ``#``.
    """
    plain = f"{kind}:{value}"
    if len(plain) <= TOKEN_LIMIT and _TOKEN_SAFE.fullmatch(plain):
        return plain
    return f"{kind}#{hashlib.sha256(value.encode('utf-8', 'surrogatepass')).hexdigest()}"


@dataclass(frozen=True)
class GroupNames:
    """The queue names of one ``(topic, subscriber)`` group of one queue type."""

    queue: str
    dlq: str
    fifo: bool


class Names:
    """Every name of one ``(name_prefix, namespace)``."""

    def __init__(self, prefix: str, namespace: str) -> None:
        self.prefix = prefix
        self.namespace = namespace

    def _name(self, kind: str, parts: tuple[str, ...], limit: int, reserved: int) -> str:
        digest = _digest(kind, self.namespace, *parts)
        room = limit - reserved - len(self.prefix) - len(digest) - 2
        return f"{self.prefix}-{_slug((self.namespace, *parts), room)}-{digest}"

    def topic(self, topic: str) -> str:
        """The FIFO SNS topic of ``topic`` (ends in ``.fifo``)."""
        return self._name("topic", (topic,), TOPIC_NAME_LIMIT, len(FIFO_SUFFIX)) + FIFO_SUFFIX

    def group(self, topic: str, subscriber: str, fifo: bool) -> GroupNames:
        """The queue and DLQ of group ``subscriber`` on ``topic`` (FIFO queues when ``fifo``)."""
        base = self._name("queue", (topic, subscriber), QUEUE_NAME_LIMIT, len(DLQ_SUFFIX) + len(FIFO_SUFFIX))
        suffix = FIFO_SUFFIX if fifo else ""
        return GroupNames(queue=base + suffix, dlq=base + DLQ_SUFFIX + suffix, fifo=fifo)


__all__ = ["DLQ_SUFFIX", "FIFO_SUFFIX", "QUEUE_NAME_LIMIT", "TOPIC_NAME_LIMIT", "GroupNames", "Names", "sqs_token"]
