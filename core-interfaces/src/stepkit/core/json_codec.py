"""The strict JSON codec every adapter uses for values.

A JSON value is ``None``, ``bool``, ``int`` (``abs(n) < 10**38``), finite
``float``, ``str``, ``list`` of JSON values, or ``dict`` with ``str`` keys and
JSON values. Anything else (NaN, infinities, tuples, sets, bytes, objects,
subclasses with custom behaviour, lone surrogates, deeper than
:data:`MAX_DEPTH`) is refused with :class:`AdapterSerializationError` before
anything is written. Encoding then decoding gives back an equal value of the
same types: ints stay ints and floats stay floats.
"""

from __future__ import annotations

import json
import math
from typing import Any, TypeAlias, cast

from stepkit.core.errors import AdapterSerializationError, ValueTooLargeError

JSONValue: TypeAlias = Any
"""A value that :func:`check_json` accepts. (``Any`` because mypy has no recursive JSON type.)"""

MAX_INT_DIGITS = 38
"""Integers must satisfy ``abs(n) < 10**38`` (DynamoDB's and NUMERIC's portable precision)."""
MAX_INT = 10**MAX_INT_DIGITS
MAX_DEPTH = 64
"""Deepest nesting of lists and dicts accepted."""

_SCALARS = (str, bool, type(None))


def check_json(value: object, what: str = "value") -> None:
    """Raise :class:`AdapterSerializationError` unless ``value`` is a JSON value.

    The message names ``what`` and the path of the offending part.
    """
    _check(value, what, "$", 0)


def _check(value: object, what: str, path: str, depth: int) -> None:
    kind = type(value)
    if kind is str:
        try:
            cast(str, value).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise AdapterSerializationError(
                f"{what} is not JSON: string at {path} is not valid unicode ({exc.reason})"
            ) from exc
        return
    if kind is bool or value is None:
        return
    if kind is int:
        if not -MAX_INT < cast(int, value) < MAX_INT:
            raise AdapterSerializationError(
                f"{what} is not JSON within range: integer at {path} must satisfy abs(n) < 10**{MAX_INT_DIGITS}"
            )
        return
    if kind is float:
        if not math.isfinite(cast(float, value)):
            raise AdapterSerializationError(
                f"{what} is not JSON: float at {path} is {value!r}; NaN and infinities are not allowed"
            )
        return
    if depth >= MAX_DEPTH:
        raise AdapterSerializationError(f"{what} is nested deeper than {MAX_DEPTH} levels at {path}")
    if kind is list:
        for index, item in enumerate(cast(list[object], value)):
            _check(item, what, f"{path}[{index}]", depth + 1)
        return
    if kind is dict:
        for key, item in cast(dict[object, object], value).items():
            if type(key) is not str:
                raise AdapterSerializationError(
                    f"{what} is not JSON: object key {key!r} at {path} is {type(key).__name__}, keys must be str"
                )
            _check(key, what, f"{path}.<key>", depth + 1)
            _check(item, what, f"{path}[{key!r}]", depth + 1)
        return
    raise AdapterSerializationError(
        f"{what} is not JSON: {kind.__name__} at {path} is not one of dict, list, str, int, float, bool or None"
    )


def dumps(value: object, what: str = "value", max_bytes: int | None = None, *, checked: bool = False) -> str:
    """Encode ``value`` as compact JSON text after checking it strictly.

    ``checked=True`` skips the :func:`check_json` walk for a value the caller
    has already passed through :func:`check_json` (e.g. a public adapter
    method that validated it before calling its hook); only then.

    Raises:
        AdapterSerializationError: the value is not JSON.
        ValueTooLargeError: the UTF-8 encoding is longer than ``max_bytes``.
    """
    if not checked:
        check_json(value, what)
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    if max_bytes is not None:
        size = len(text.encode("utf-8"))
        if size > max_bytes:
            raise ValueTooLargeError(what, size, max_bytes)
    return text


def dumps_bytes(value: object, what: str = "value", max_bytes: int | None = None) -> bytes:
    """Like :func:`dumps`, returning UTF-8 bytes."""
    data = dumps(value, what).encode("utf-8")
    if max_bytes is not None and len(data) > max_bytes:
        raise ValueTooLargeError(what, len(data), max_bytes)
    return data


def _reject_constant(name: str) -> Any:
    raise AdapterSerializationError(f"stored JSON contains {name}, which is not JSON")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)
"""One shared strict decoder: building a decoder per call is measurable on hot paths."""


def loads(data: str | bytes | bytearray, what: str = "stored value") -> JSONValue:
    """Decode JSON text written by :func:`dumps`.

    Raises:
        AdapterSerializationError: the text is not valid strict JSON.
    """
    try:
        text = data if isinstance(data, str) else bytes(data).decode("utf-8")
        return _DECODER.decode(text)
    except AdapterSerializationError:
        raise
    except (ValueError, UnicodeDecodeError) as exc:
        raise AdapterSerializationError(f"{what} is not valid JSON: {exc}") from exc


def json_equal(a: object, b: object) -> bool:
    """JSON equality: like ``==`` but ``True != 1``, ``1 != 1.0`` and types must match."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(v, b[k]) for k, v in a.items())
    if isinstance(a, float) and isinstance(b, float):
        # -0.0 == 0.0 numerically, but the codec round-trips the sign; keep it.
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    return a == b


__all__ = [
    "MAX_DEPTH",
    "MAX_INT",
    "MAX_INT_DIGITS",
    "JSONValue",
    "check_json",
    "dumps",
    "dumps_bytes",
    "json_equal",
    "loads",
]
