"""Identifier validation and injective key segments."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stepkit.core.errors import InvalidIdentifierError
from stepkit.core.identifiers import decode_segment, encode_segment, validate_identifier


@pytest.mark.parametrize(
    "value", ["a", "a:b", "*", "?", "[x]", "a/b", "100%", "with space", "🎉", "x" * 256, "é" * 256, "🎉" * 256]
)
def test_valid(value: str) -> None:
    assert validate_identifier(value) == value


@pytest.mark.parametrize("value", ["", "x" * 257, "🎉" * 257, "\ud800", 5, None, b"x"])
def test_invalid_is_value_error_with_rule(value: object) -> None:
    with pytest.raises(ValueError, match="key") as info:
        validate_identifier(value, "key")
    assert isinstance(info.value, InvalidIdentifierError)


@given(st.text(min_size=1))
def test_segments_round_trip_and_are_safe(value: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return
    segment = encode_segment(value)
    assert decode_segment(segment) == value
    assert not set(segment) & set(":*?[] ")


def test_segments_do_not_collide() -> None:
    assert encode_segment("a") + ":" + encode_segment("b:c") != encode_segment("a:b") + ":" + encode_segment("c")
