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
    if not _valid(value, 0):
        # Walk again, building paths this time, to raise the precise error.
        _check(value, what, "$", 0)
        raise AdapterSerializationError(f"{what} is not JSON")  # pragma: no cover - _check raised


_INT_LIMIT: int = MAX_INT


def _valid(value: object, depth: int) -> bool:
    """Exactly what :func:`_check` accepts, as a bool, without building paths or messages."""
    kind = type(value)
    if kind is str:
        if cast(str, value).isascii():
            return True
        try:
            cast(str, value).encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if kind is bool or value is None:
        return True
    if kind is int:
        return -_INT_LIMIT < cast(int, value) < _INT_LIMIT
    if kind is float:
        return math.isfinite(cast(float, value))
    if depth >= MAX_DEPTH:
        return False
    depth += 1
    if kind is list:
        for item in cast(list[object], value):  # noqa: SIM110 - all(<genexpr>) is slower here
            if not _valid(item, depth):
                return False
        return True
    if kind is dict:
        for key, item in cast(dict[object, object], value).items():
            if type(key) is not str or not _valid(key, depth) or not _valid(item, depth):
                return False
        return True
    return False


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


_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))
_ENCODE_STR = json.encoder.encode_basestring
_C_ENCODER: Any = None
_make_c_encoder: Any = getattr(json.encoder, "c_make_encoder", None)  # CPython's C accelerator
if _make_c_encoder is not None:
    try:
        _C_ENCODER = _make_c_encoder(None, _ENCODER.default, _ENCODE_STR, None, ":", ",", False, False, False)
    except TypeError:  # pragma: no cover - another signature: use the encoder object
        _C_ENCODER = None


def _encode(value: object) -> str:
    """``json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))``.

    ``json.dumps`` with options builds an encoder (and the C encoder under it)
    per call; this one is built once. It keeps no cycle markers: every value
    it encodes has passed :func:`check_json`, whose depth limit refuses cycles.
    """
    if type(value) is str:
        return _ENCODE_STR(value)
    if _C_ENCODER is None:  # pragma: no cover - no C accelerator
        return _ENCODER.encode(value)
    return "".join(_C_ENCODER(value, 0))


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
    text = _encode(value)
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
_RAW_DECODE = _DECODER.raw_decode


def loads(data: str | bytes | bytearray, what: str = "stored value") -> JSONValue:
    """Decode JSON text written by :func:`dumps`.

    Raises:
        AdapterSerializationError: the text is not valid strict JSON.
    """
    try:
        text = data if isinstance(data, str) else bytes(data).decode("utf-8")
        try:
            # What dumps writes has no surrounding whitespace: parse it without
            # decode()'s two whitespace scans; anything else takes the full path.
            value, end = _RAW_DECODE(text)
        except ValueError:
            return _DECODER.decode(text)
        if end != len(text):
            return _DECODER.decode(text)
        return value
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
