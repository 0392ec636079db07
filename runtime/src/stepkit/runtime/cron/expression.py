"""Cron expressions: 5 fields (minute precision) or 6 fields (leading seconds), in UTC.

Grammar per field: ``*``, ``?`` (day fields only), numbers, ranges ``a-b``,
steps ``*/n``, ``a/n``, ``a-b/n``, comma lists, month names ``JAN``-``DEC``
and day names ``SUN``-``SAT`` (day of week 0-7, 0 and 7 are Sunday). The
macros ``@yearly``, ``@annually``, ``@monthly``, ``@weekly``, ``@daily``,
``@midnight`` and ``@hourly`` are accepted. When both day-of-month and
day-of-week are restricted, a day matches if either matches (classic cron).

Guarantees: :func:`parse_cron` either returns an expression that fires at
least once in the next :data:`SEARCH_YEARS` years or raises
:class:`CronExpressionError` naming the field and the rule;
:meth:`CronExpression.next_after` returns the smallest firing epoch second
strictly after the given time.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

SEARCH_YEARS = 5
"""How far ahead :meth:`CronExpression.next_after` looks before giving up."""

_MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
_MONTHS = {name.upper(): i for i, name in enumerate(calendar.month_abbr) if name}
_DAYS = {"SUN": 0, "MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6}


class CronExpressionError(ValueError):
    """A cron expression breaks the grammar; the message names the field and the rule."""


@dataclass(frozen=True)
class _FieldSpec:
    name: str
    low: int
    high: int
    names: dict[str, int]


_SECOND = _FieldSpec("second", 0, 59, {})
_MINUTE = _FieldSpec("minute", 0, 59, {})
_HOUR = _FieldSpec("hour", 0, 23, {})
_DOM = _FieldSpec("day of month", 1, 31, {})
_MONTH = _FieldSpec("month", 1, 12, _MONTHS)
_DOW = _FieldSpec("day of week", 0, 7, _DAYS)


def _value(text: str, spec: _FieldSpec) -> int:
    upper = text.upper()
    if upper in spec.names:
        return spec.names[upper]
    if not text.isdigit():
        raise CronExpressionError(f"{spec.name} field: {text!r} is not a number or a known name")
    number = int(text)
    if not spec.low <= number <= spec.high:
        raise CronExpressionError(f"{spec.name} field: {number} is outside {spec.low}-{spec.high}")
    return number


def _parse_field(text: str, spec: _FieldSpec) -> tuple[frozenset[int], bool]:
    """The allowed values and whether the field is unrestricted (``*`` or ``?``)."""
    if text in ("*", "?"):
        if text == "?" and spec not in (_DOM, _DOW):
            raise CronExpressionError(f"{spec.name} field: '?' is only allowed in the day fields")
        return frozenset(range(spec.low, spec.high + 1)), True
    values: set[int] = set()
    for part in text.split(","):
        if not part:
            raise CronExpressionError(f"{spec.name} field: empty list element in {text!r}")
        base, _, step_text = part.partition("/")
        step = 1
        if step_text:
            if not step_text.isdigit() or int(step_text) == 0:
                raise CronExpressionError(f"{spec.name} field: step {step_text!r} must be a positive integer")
            step = int(step_text)
        if base == "*":
            start, end = spec.low, spec.high
        elif "-" in base:
            first, _, last = base.partition("-")
            start, end = _value(first, spec), _value(last, spec)
            if start > end:
                raise CronExpressionError(f"{spec.name} field: range {base!r} runs backwards")
        else:
            start = _value(base, spec)
            end = spec.high if step_text else start
        values.update(range(start, end + 1, step))
    if spec is _DOW and 7 in values:
        values.discard(7)
        values.add(0)
    return frozenset(values), False


def _next_in(values: frozenset[int], current: int) -> int | None:
    """The smallest allowed value >= ``current``, or None."""
    candidates = [value for value in values if value >= current]
    return min(candidates) if candidates else None


@dataclass(frozen=True)
class CronExpression:
    """A parsed cron expression; all times are UTC epoch seconds."""

    source: str
    seconds: frozenset[int]
    minutes: frozenset[int]
    hours: frozenset[int]
    days_of_month: frozenset[int]
    months: frozenset[int]
    days_of_week: frozenset[int]
    dom_any: bool
    dow_any: bool

    def _day_matches(self, day: datetime) -> bool:
        dom_ok = day.day in self.days_of_month
        dow_ok = (day.isoweekday() % 7) in self.days_of_week
        if self.dom_any or self.dow_any:
            return dom_ok and dow_ok
        return dom_ok or dow_ok

    def next_after(self, epoch: float) -> int:
        """The first firing time strictly after ``epoch``, as an integer epoch second.

        Field by field (month, day, hour, minute, second), jumping to the next
        allowed value, so a call costs at most a few thousand steps.

        Raises:
            CronExpressionError: nothing fires within :data:`SEARCH_YEARS` years.
        """
        t = datetime.fromtimestamp(int(epoch // 1) + 1, tz=UTC)
        limit = t + timedelta(days=366 * SEARCH_YEARS)
        while t < limit:
            if t.month not in self.months:
                t = datetime(t.year + t.month // 12, t.month % 12 + 1, 1, tzinfo=UTC)
                continue
            if not self._day_matches(t):
                t = t.replace(hour=0, minute=0, second=0) + timedelta(days=1)
                continue
            hour = _next_in(self.hours, t.hour)
            if hour is None:
                t = t.replace(hour=0, minute=0, second=0) + timedelta(days=1)
                continue
            if hour != t.hour:
                t = t.replace(hour=hour, minute=0, second=0)
            minute = _next_in(self.minutes, t.minute)
            if minute is None:
                t = t.replace(minute=0, second=0) + timedelta(hours=1)
                continue
            if minute != t.minute:
                t = t.replace(minute=minute, second=0)
            second = _next_in(self.seconds, t.second)
            if second is None:
                t = t.replace(second=0) + timedelta(minutes=1)
                continue
            return int(t.replace(second=second).timestamp())
        raise CronExpressionError(f"cron expression {self.source!r} never fires within {SEARCH_YEARS} years")

    def interval_hint(self, epoch: float) -> int:
        """Seconds between the next two firings after ``epoch`` (at least 1)."""
        first = self.next_after(epoch)
        return max(1, self.next_after(first) - first)


def parse_cron(text: str) -> CronExpression:
    """Parse a 5- or 6-field cron expression (or a macro) and check that it ever fires.

    Raises:
        CronExpressionError: naming the field and the rule broken.
    """
    if not isinstance(text, str) or not text.strip():
        raise CronExpressionError(f"cron expression must be a non-empty string, got {text!r}")
    source = text.strip()
    expanded = _MACROS.get(source.lower(), source)
    fields = expanded.split()
    if len(fields) == 5:
        fields = ["0", *fields]
    elif len(fields) != 6:
        raise CronExpressionError(
            f"cron expression {source!r} has {len(fields)} fields; expected 5 "
            "(minute hour day-of-month month day-of-week) or 6 (with leading seconds)"
        )
    seconds, _ = _parse_field(fields[0], _SECOND)
    minutes, _ = _parse_field(fields[1], _MINUTE)
    hours, _ = _parse_field(fields[2], _HOUR)
    dom, dom_any = _parse_field(fields[3], _DOM)
    months, _ = _parse_field(fields[4], _MONTH)
    dow, dow_any = _parse_field(fields[5], _DOW)
    expression = CronExpression(source, seconds, minutes, hours, dom, months, dow, dom_any, dow_any)
    expression.next_after(datetime.now(tz=UTC).timestamp())
    return expression


__all__ = ["SEARCH_YEARS", "CronExpression", "CronExpressionError", "parse_cron"]
