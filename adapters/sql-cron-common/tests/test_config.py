"""Config rules and table names (pure logic, no server involved)."""

from __future__ import annotations

import pytest

from stepkit.adapters.sql_cron_common.adapter import encode, ttl_microseconds
from stepkit.adapters.sql_cron_common.config import SqlCronConfig, validate_table_prefix
from stepkit.adapters.sql_cron_common.dialect import Tables
from stepkit.core.errors import AdapterConfigurationError


@pytest.mark.parametrize("prefix", ["a", "_", "stepkit_cron_", "x" * 40, "a1_b2"])
def test_valid_prefixes(prefix: str) -> None:
    assert validate_table_prefix(prefix) == prefix
    assert Tables.from_prefix(prefix) == Tables(f"{prefix}locks", f"{prefix}floors")


@pytest.mark.parametrize("prefix", ["", "1a", "A", "a-b", "a b", "a;", "x" * 41, "é", "a\n"])
def test_invalid_prefixes_name_the_rule(prefix: str) -> None:
    with pytest.raises(ValueError, match="lowercase letters"):
        validate_table_prefix(prefix)
    with pytest.raises(AdapterConfigurationError, match="table_prefix"):
        SqlCronConfig.build({"table_prefix": prefix})


@pytest.mark.parametrize(
    ("field", "value"), [("pool_size", 0), ("cleanup_interval", 0), ("cleanup_batch", 0), ("operation_timeout", -1)]
)
def test_bounds_name_the_field(field: str, value: float) -> None:
    with pytest.raises(AdapterConfigurationError, match=field):
        SqlCronConfig.build({field: value})


def test_ttl_in_microseconds_rounds_up() -> None:
    assert ttl_microseconds(1.25) == 1_250_000
    assert ttl_microseconds(1e-9) == 1
    assert ttl_microseconds(0.0000015) == 2


def test_identifiers_are_utf8_bytes() -> None:
    assert encode("🦄\u0000a") == "🦄\u0000a".encode()
    assert encode("a") != encode("A") != encode("a ")
