"""PostgreSQL cron locks against a real server: the shared checks plus PostgreSQL specifics."""

from __future__ import annotations

import socket
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from stepkit.adapters.postgres_cron import PostgresCronAdapter
from stepkit.adapters.sql_cron_common import checks
from stepkit.adapters.sql_cron_common.adapter import SqlCronAdapter
from stepkit.core.errors import AdapterConfigurationError

Make = Callable[..., PostgresCronAdapter]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def _query(adapter: SqlCronAdapter, sql: str, *args: Any) -> Any:
    return await adapter._run("test", lambda conn: conn.fetchval(sql, *args))


async def test_race_has_one_winner(make_cron: Make) -> None:
    await checks.race_has_one_winner(make_cron)


async def test_stale_holder_is_powerless(make_cron: Make) -> None:
    await checks.stale_holder_is_powerless(make_cron)


async def test_times_come_from_the_database(make_cron: Make) -> None:
    probe = make_cron()

    async def database_now() -> datetime:
        now: datetime = await _query(probe, "SELECT clock_timestamp()")
        return now

    await checks.times_come_from_the_database(make_cron, database_now)


async def test_fencing_survives_release_expiry_and_cleanup(make_cron: Make) -> None:
    await checks.fencing_survives_release_expiry_and_cleanup(make_cron)


async def test_fencing_holds_under_concurrent_cleanup(make_cron: Make) -> None:
    await checks.fencing_holds_under_concurrent_cleanup(make_cron)


async def test_names_never_collide(make_cron: Make) -> None:
    await checks.names_never_collide(make_cron)


async def test_namespaces_isolate(make_cron: Make) -> None:
    await checks.namespaces_isolate(make_cron)


async def test_concurrent_first_use_creates_schema_once(make_cron: Make, fresh_prefix: str) -> None:
    await checks.concurrent_first_use_creates_schema_once(make_cron, fresh_prefix)


def test_bad_table_prefixes_are_refused(make_cron: Make) -> None:
    checks.bad_table_prefixes_are_refused(make_cron)


async def test_unreachable_database_grants_nothing(make_cron: Make) -> None:
    await checks.unreachable_database_grants_nothing(make_cron, f"postgresql://x@127.0.0.1:{_free_port()}/x")


async def test_dead_pooled_connection_does_not_wedge(make_cron: Make) -> None:
    killer = make_cron()

    async def kill_sessions(adapter: SqlCronAdapter) -> int:
        pids = [await _query(adapter, "SELECT pg_backend_pid()")]
        killed = 0
        for pid in pids:
            killed += bool(await _query(killer, "SELECT pg_terminate_backend($1)", pid))
        return killed

    await checks.dead_pooled_connection_does_not_wedge(make_cron, kill_sessions)


async def test_sweeps_run_by_themselves(make_cron: Make) -> None:
    async def count_rows(adapter: SqlCronAdapter) -> int:
        sql = f"SELECT count(*) FROM {adapter.dialect.tables.locks} WHERE namespace = $1"
        count: int = await _query(adapter, sql, adapter.config.namespace.encode())
        return count

    await checks.sweeps_run_by_themselves(make_cron, count_rows)


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
