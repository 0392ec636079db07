"""Identifier rules shared by every adapter.

Group ids, keys, topics, stream names, subscriber names and job names are
opaque: any non-empty unicode string of at most 256 characters. They are never
used as patterns. :func:`encode_segment` gives an injective encoding that is
safe to join with ``:`` in a backend key.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

from stepkit.core.errors import InvalidIdentifierError

MAX_IDENTIFIER_LENGTH = 256
"""The longest identifier, in unicode code points."""

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.~-")
"""The characters :func:`encode_segment` keeps as they are."""


def validate_identifier(value: object, what: str = "identifier") -> str:
    """Return ``value`` if it is a valid identifier.

    Raises:
        InvalidIdentifierError: (a ``ValueError``) naming ``what`` and the rule.
    """
    # Fast path for the common case: a plain ASCII str (no surrogates possible).
    if type(value) is str and 0 < len(value) <= MAX_IDENTIFIER_LENGTH and value.isascii():
        return value
    if not isinstance(value, str):
        raise InvalidIdentifierError(
            f"{what} must be a string (non-empty, at most {MAX_IDENTIFIER_LENGTH} "
            f"characters); got {type(value).__name__}"
        )
    if not value:
        raise InvalidIdentifierError(
            f"{what} must be a non-empty string of at most {MAX_IDENTIFIER_LENGTH} characters; got an empty string"
        )
    if len(value) > MAX_IDENTIFIER_LENGTH:
        raise InvalidIdentifierError(
            f"{what} must be at most {MAX_IDENTIFIER_LENGTH} characters; got {len(value)} characters"
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidIdentifierError(f"{what} must be valid unicode (no lone surrogates): {exc.reason}") from exc
    return value


def encode_segment(identifier: str) -> str:
    """Encode an identifier as a key segment free of ``:``, glob characters and spaces.

    The encoding is injective (percent-encoding of every byte outside
    ``[A-Za-z0-9_.~-]``), so distinct identifiers never collide, and
    :func:`decode_segment` inverts it.
    """
    if _UNRESERVED.issuperset(identifier):  # nothing to escape: quote() would return it as is
        return identifier
    return quote(identifier, safe="")


def decode_segment(segment: str) -> str:
    """Invert :func:`encode_segment`."""
    return unquote(segment, errors="strict")


__all__ = [
    "MAX_IDENTIFIER_LENGTH",
    "decode_segment",
    "encode_segment",
    "validate_identifier",
]
