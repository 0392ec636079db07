"""Hypothesis strategies for nasty identifiers and arbitrary JSON values."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from stepkit.core.json_codec import MAX_INT

NASTY_IDENTIFIERS: tuple[str, ...] = (
    "a",
    "ab",
    "a:b",
    "b",
    "b:c",
    "c",
    "a:b:c",
    "*",
    "a*",
    "?",
    "[a]",
    "[",
    "]",
    "a/b",
    "/",
    "%",
    "%3A",
    "%2A",
    " ",
    "a b",
    "🦄",
    "🦄:x",
    "\u0000",
    "\\",
    "{a}",
    "a.b",
    "-",
    "é",
    "e\u0301",
)
"""Identifiers that break naive adapters: separators, globs, escapes, prefixes of each other."""

LONGEST_IDENTIFIER = "🦄" * 255 + "x"
"""256 code points, 1021 UTF-8 bytes: the longest valid identifier."""


def fresh_copy(text: str) -> str:
    """A ``str`` equal to ``text`` that is, wherever CPython allows, a distinct object (``a == b``,
    ``a is not b``): adapters must compare identifiers by value, never by identity or by a
    serialisation that remembers identity (``pickle`` memoises repeated objects)."""
    copy = "".join([text[:1], text[1:]])
    assert copy == text
    return copy


def identifiers(pool: tuple[str, ...] = NASTY_IDENTIFIERS) -> st.SearchStrategy[str]:
    """Mostly the nasty pool (so operations collide), sometimes arbitrary unicode (1..40 chars);
    about half of the draws are fresh equal copies (:func:`fresh_copy`) rather than the pool's objects."""
    drawn = st.one_of(st.sampled_from(pool), st.text(min_size=1, max_size=40))
    return st.tuples(drawn, st.booleans()).map(lambda pair: fresh_copy(pair[0]) if pair[1] else pair[0])


def json_scalars() -> st.SearchStrategy[Any]:
    """null, bools, ints with abs < 10**38, finite floats (incl. -0.0), unicode strings (incl. \\u0000)."""
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-MAX_INT + 1, max_value=MAX_INT - 1),
        st.sampled_from([0, -1, 2**53 + 1, MAX_INT - 1, -MAX_INT + 1, -0.0, 0.0, 1.0, 1e308, 5e-324]),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=30),
        st.sampled_from(["", "\u0000", "a\u0000b", "🦄", "'\"\\", "null", "1"]),
    )


def json_values(max_leaves: int = 12) -> st.SearchStrategy[Any]:
    """Arbitrary JSON values (nested lists and dicts with unicode keys)."""
    return st.recursive(
        json_scalars(),
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(st.text(max_size=8), children, max_size=4),
        ),
        max_leaves=max_leaves,
    )


def json_objects() -> st.SearchStrategy[dict[str, Any]]:
    """JSON objects whose fields include a few shared names (for queries and filters)."""
    return st.dictionaries(
        st.one_of(st.sampled_from(["n", "s", "l", "x"]), st.text(max_size=6)), json_values(6), max_size=4
    )


__all__ = [
    "LONGEST_IDENTIFIER",
    "fresh_copy",
    "NASTY_IDENTIFIERS",
    "identifiers",
    "json_objects",
    "json_scalars",
    "json_values",
]
