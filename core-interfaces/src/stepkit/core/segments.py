"""Bounded, injective name segments for backends with a narrow name alphabet and length limit.

A backend name (a queue, a topic, a consumer group) is built by joining one *segment* per
identifier with a separator the segments never contain. :func:`bounded_segment` gives each
identifier such a segment:

* the core's injective :func:`~stepkit.core.identifiers.encode_segment`, rewritten into the
  backend's alphabet by an injective character translation (a prefix code), when the result is
  at most ``budget`` characters;
* otherwise ``hash_mark`` followed by the first ``hash_digits`` hex digits of the SHA-256 of the
  identifier's UTF-8 bytes.

The caller chooses a ``hash_mark`` that no plain segment can contain, so a hashed segment never
equals a plain one; plain segments are injective by construction, hashed ones up to a SHA-256
prefix collision (about 2**-64 for 128 bits, even for billions of names).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping

from stepkit.core.identifiers import encode_segment

DEFAULT_HASH_DIGITS = 32
"""Hex digits of the SHA-256 kept in a hashed segment (128 bits)."""


def identifier_digest(identifier: str, digits: int = DEFAULT_HASH_DIGITS) -> str:
    """The first ``digits`` hex digits of the SHA-256 of ``identifier``'s UTF-8 bytes."""
    return hashlib.sha256(identifier.encode("utf-8")).hexdigest()[:digits]


def bounded_segment(
    identifier: str,
    *,
    translation: Mapping[int, str],
    budget: int,
    hash_mark: str,
    hash_digits: int = DEFAULT_HASH_DIGITS,
) -> str:
    """The segment of ``identifier``: plain when it fits ``budget`` characters, hashed otherwise.

    ``translation`` (a :meth:`str.maketrans` table) must map the characters of
    ``encode_segment``'s alphabet ``[A-Za-z0-9_.~%-]`` injectively into the backend's
    alphabet, and no plain segment may contain ``hash_mark``; both are the caller's
    proof obligations (see the module docstring). The result is deterministic.
    """
    encoded = encode_segment(identifier).translate(translation)
    if len(encoded) <= budget:
        return encoded
    return hash_mark + identifier_digest(identifier, hash_digits)


def checked_name(
    name: str, limit: int, *, what: str, size: Callable[[str], int] = len, unit: str = "characters"
) -> str:
    """Return ``name`` when ``size(name) <= limit``.

    Raises:
        AssertionError: naming ``what``, the size and the limit (a broken length budget is a
            bug in the adapter's naming scheme, never bad input).
    """
    measured = size(name)
    if measured > limit:
        raise AssertionError(f"{what} {name!r} is {measured} {unit}; the backend allows {limit}")
    return name


def utf8_size(name: str) -> int:
    """The size of ``name`` in UTF-8 bytes (a ``size`` for :func:`checked_name`)."""
    return len(name.encode("utf-8"))


__all__ = ["DEFAULT_HASH_DIGITS", "bounded_segment", "checked_name", "identifier_digest", "utf8_size"]
