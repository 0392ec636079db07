"""Cron expressions: grammar, next firing, errors naming the field and rule."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from stepkit.runtime.cron.expression import CronExpressionError, parse_cron


def epoch(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


@pytest.mark.parametrize(
    ("expression", "after", "expected"),
    [
        ("* * * * * *", "2026-01-01T00:00:00", "2026-01-01T00:00:01"),
        ("* * * * *", "2026-01-01T00:00:00", "2026-01-01T00:01:00"),
        ("*/15 * * * *", "2026-01-01T00:01:00", "2026-01-01T00:15:00"),
        ("30 9 * * MON-FRI", "2026-01-03T00:00:00", "2026-01-05T09:30:00"),  # Saturday -> Monday
        ("0 0 1 JAN *", "2026-06-01T00:00:00", "2027-01-01T00:00:00"),
        ("*/10 * * * * *", "2026-01-01T00:00:05", "2026-01-01T00:00:10"),
        ("0 0 29 2 *", "2026-01-01T00:00:00", "2028-02-29T00:00:00"),
        ("0 12 * * 7", "2026-01-01T00:00:00", "2026-01-04T12:00:00"),  # 7 is Sunday
        ("0 0 13 * 5", "2026-01-01T00:00:00", "2026-01-02T00:00:00"),  # dom OR dow: Friday 2nd
        ("@hourly", "2026-01-01T00:00:00", "2026-01-01T01:00:00"),
        ("5-10/5 * * * * *", "2026-01-01T00:00:05", "2026-01-01T00:00:10"),
    ],
)
def test_next_after(expression: str, after: str, expected: str) -> None:
    assert parse_cron(expression).next_after(epoch(after)) == epoch(expected)


def test_next_after_is_strictly_later_even_with_fractions() -> None:
    expression = parse_cron("* * * * * *")
    assert expression.next_after(epoch("2026-01-01T00:00:00") + 0.999) == epoch("2026-01-01T00:00:01")


def test_interval_hint() -> None:
    assert parse_cron("* * * * * *").interval_hint(0) == 1
    assert parse_cron("*/5 * * * *").interval_hint(0) == 300


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("", "non-empty"),
        ("* * *", "has 3 fields"),
        ("60 * * * *", "minute field: 60 is outside 0-59"),
        ("* 24 * * *", "hour field: 24 is outside 0-23"),
        ("* * 0 * *", "day of month field: 0 is outside 1-31"),
        ("* * * 13 *", "month field: 13 is outside 1-12"),
        ("* * * * 8", "day of week field: 8 is outside 0-7"),
        ("*/0 * * * *", "step '0' must be a positive integer"),
        ("5-1 * * * *", "runs backwards"),
        ("x * * * *", "'x' is not a number"),
        ("? * * * *", "only allowed in the day fields"),
        ("1,,2 * * * *", "empty list element"),
        ("0 0 30 2 *", "never fires"),
    ],
)
def test_bad_expressions_name_the_rule(expression: str, message: str) -> None:
    with pytest.raises(CronExpressionError, match=message):
        parse_cron(expression)
