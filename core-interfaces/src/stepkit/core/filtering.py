"""The reference semantics of state filters, shared by every adapter.

Adapters that filter client-side call :func:`matches`; adapters that push
filters to the backend must give the same answers (the conformance suite
compares them).

For each :class:`StateFilter`, the *field* is ``value[value_key]`` when the
value is a dict containing ``value_key``, the value itself when ``value_key``
is ``None``, and *missing* otherwise.

============  ================================================================
operator      true when
============  ================================================================
eq            field present and JSON-equal to ``filter.value``
neq           not ``eq`` (a missing field is not equal)
gt/gte/lt/lte field present, and both numbers (bools excluded) or both strings,
              and the comparison holds (strings by code point)
contains      field is a string containing the string ``filter.value``, or a
              list with an element JSON-equal to ``filter.value``
notContains   not ``contains``
startsWith    field and ``filter.value`` are strings, field starts with it
endsWith      field and ``filter.value`` are strings, field ends with it
isNull        field missing or null
isNotNull     field present and not null
============  ================================================================

Several filters combine with AND.
"""

from __future__ import annotations

import operator as op
from collections.abc import Callable, Iterable
from typing import Any

from stepkit.core.json_codec import json_equal
from stepkit.core.models.state import FilterOperator, StateFilter

_MISSING = object()

_ORDERINGS: dict[FilterOperator, Callable[[Any, Any], bool]] = {
    FilterOperator.GT: op.gt,
    FilterOperator.GTE: op.ge,
    FilterOperator.LT: op.lt,
    FilterOperator.LTE: op.le,
}


def _field(value: Any, value_key: str | None) -> Any:
    if value_key is None:
        return value
    if isinstance(value, dict) and value_key in value:
        return value[value_key]
    return _MISSING


def _is_number(value: Any) -> bool:
    return type(value) in (int, float)


def _contains(field: Any, needle: Any) -> bool:
    if type(field) is str:
        return type(needle) is str and needle in field
    if type(field) is list:
        return any(json_equal(element, needle) for element in field)
    return False


def matches_filter(value: Any, condition: StateFilter) -> bool:
    """True when ``value`` satisfies one filter (see the module table)."""
    field = _field(value, condition.value_key)
    wanted = condition.value
    kind = condition.operator
    if kind is FilterOperator.IS_NULL:
        return field is _MISSING or field is None
    if kind is FilterOperator.IS_NOT_NULL:
        return field is not _MISSING and field is not None
    if kind is FilterOperator.NEQ:
        return field is _MISSING or not json_equal(field, wanted)
    if kind is FilterOperator.NOT_CONTAINS:
        return field is _MISSING or not _contains(field, wanted)
    if field is _MISSING:
        return False
    if kind is FilterOperator.EQ:
        return json_equal(field, wanted)
    if kind is FilterOperator.CONTAINS:
        return _contains(field, wanted)
    if kind is FilterOperator.STARTS_WITH:
        return type(field) is str and type(wanted) is str and field.startswith(wanted)
    if kind is FilterOperator.ENDS_WITH:
        return type(field) is str and type(wanted) is str and field.endswith(wanted)
    compare = _ORDERINGS[kind]
    if _is_number(field) and _is_number(wanted):
        return compare(field, wanted)
    if type(field) is str and type(wanted) is str:
        return compare(field, wanted)
    return False


def matches(value: Any, filters: Iterable[StateFilter]) -> bool:
    """True when ``value`` satisfies every filter (AND); no filters match everything."""
    return all(matches_filter(value, condition) for condition in filters)


__all__ = ["matches", "matches_filter"]
