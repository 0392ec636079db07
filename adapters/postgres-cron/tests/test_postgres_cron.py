"""PostgreSQL cron locks against a real server: the shared SQL cron tests plus PostgreSQL specifics."""

from __future__ import annotations

import pytest

from stepkit.adapters.postgres_cron import PostgresCronAdapter
from stepkit.adapters.sql_cron_common.checks import *  # noqa: F403 - the shared tests, collected here
from stepkit.core.errors import AdapterConfigurationError


def test_config_from_url_and_env(monkeypatch: pytest.MonkeyPatch) -> None:
    adapter = PostgresCronAdapter.from_url("postgresql://u:p@h:1/d", table_prefix="my_", namespace="n")
    assert adapter.config.model_dump()["url"] == "postgresql://u:p@h:1/d"
    assert adapter.dialect.tables.locks == "my_locks"
    monkeypatch.setenv("STEPKIT_CRON_TABLE_PREFIX", "env_")
    monkeypatch.setenv("STEPKIT_CRON_CLEANUP_INTERVAL", "5")
    from_env = PostgresCronAdapter.from_env()
    assert from_env.dialect.tables.floors == "env_floors"
    monkeypatch.setenv("STEPKIT_CRON_POOL_SIZE", "0")
    with pytest.raises(AdapterConfigurationError, match="pool_size"):
        PostgresCronAdapter.from_env()
