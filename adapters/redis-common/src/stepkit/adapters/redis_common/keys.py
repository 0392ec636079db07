"""Key layout: literal tags plus encoded identifiers, joined by ``:``.

Identifiers go through :func:`stepkit.core.identifiers.encode_segment`, whose
output never contains ``:``, braces, spaces or glob characters, so a key built
from a fixed sequence of tags and segments can never equal a key built from
different identifiers, and no key is ever used as a pattern.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from stepkit.core.identifiers import decode_segment, encode_segment

segment = lru_cache(maxsize=65536)(encode_segment)
""":func:`encode_segment`, memoised (identifiers repeat a lot on hot paths)."""


class KeyLayout:
    """Builds the keys of one namespace: ``{namespace_prefix}:{tag}:{seg}:...``."""

    __slots__ = ("prefix",)

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def key(self, tag: str, *identifiers: str) -> str:
        """The key for ``tag`` followed by each identifier, encoded."""
        if not identifiers:
            return f"{self.prefix}:{tag}"
        return f"{self.prefix}:{tag}:" + ":".join([segment(i) for i in identifiers])

    def builder(self, tag: str, maxsize: int = 4096) -> Callable[[str], str]:
        """``lambda identifier: self.key(tag, identifier)``, memoised in a bounded LRU.

        For hot paths that build the same few keys over and over (e.g. one
        hash per group): a hit costs one dictionary lookup.
        """
        head = f"{self.prefix}:{tag}:"

        @lru_cache(maxsize=maxsize)
        def build(identifier: str) -> str:
            return head + encode_segment(identifier)

        return build


def decode(segment_text: str | bytes) -> str:
    """Decode one stored segment (bytes or str) back to its identifier."""
    text = segment_text.decode("ascii") if isinstance(segment_text, bytes) else segment_text
    return decode_segment(text)


__all__ = ["KeyLayout", "decode", "segment"]
