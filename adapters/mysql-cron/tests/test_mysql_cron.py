"""MySQL/MariaDB cron locks against a real server: the shared checks plus MySQL specifics."""

from __future__ import annotations

import socket
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from stepkit.adapters.mysql_cron import MySQLCronAdapter
from stepkit.adapters.mysql_cron.config import parse_url
from stepkit.adapters.sql_cron_common import checks
from stepkit.adapters.sql_cron_common.adapter import SqlCronAdapter
from stepkit.core.errors import AdapterConfigurationError

Make = Callable[..., MySQLCronAdapter]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def _query(adapter: SqlCronAdapter, sql: str, *args: Any) -> Any:
    async def one(conn: Any) -> Any:
        async with conn.cursor() as cur:
            await cur.execute(sql, args)
            row = await cur.fetchone()
            return None if row is None else row[0]

    return await adapter._run("test", one)


async def test_race_has_one_winner(make_cron: Make) -> None:
    await checks.race_has_one_winner(make_cron)


async def test_stale_holder_is_powerless(make_cron: Make) -> None:
    await checks.stale_holder_is_powerless(make_cron)


async def test_times_come_from_the_database(make_cron: Make) -> None:
    probe = make_cron()

    async def database_now() -> datetime:
        now: datetime = await _query(probe, "SELECT UTC_TIMESTAMP(6)")
        return now.replace(tzinfo=UTC)

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
    await checks.unreachable_database_grants_nothing(make_cron, f"mysql://x@127.0.0.1:{_free_port()}/x")


async def test_dead_pooled_connection_does_not_wedge(make_cron: Make) -> None:
    killer = make_cron()

    async def kill_sessions(adapter: SqlCronAdapter) -> int:
        session = await _query(adapter, "SELECT CONNECTION_ID()")
        await _query(killer, f"KILL CONNECTION {int(session)}")
        return 1

    await checks.dead_pooled_connection_does_not_wedge(make_cron, kill_sessions)


async def test_sweeps_run_by_themselves(make_cron: Make) -> None:
    async def count_rows(adapter: SqlCronAdapter) -> int:
        sql = f"SELECT count(*) FROM {adapter.dialect.tables.locks} WHERE namespace = %s"
        return int(await _query(adapter, sql, adapter.config.namespace.encode()))

    await checks.sweeps_run_by_themselves(make_cron, count_rows)


def test_url_forms_and_errors() -> None:
    address = parse_url("mysql://u%40x:p%3Aw@db.example:3307/my%20db")
    assert (address.user, address.password, address.host, address.port, address.database) == (
        "u@x",
        "p:w",
        "db.example",
        3307,
        "my db",
    )
    assert parse_url("mariadb://h/d").port == 3306
    for bad in ("postgresql://h/d", "mysql://h", "mysql://h:99999/d", "mysql:///d"):
        with pytest.raises(AdapterConfigurationError, match="url"):
            MySQLCronAdapter({"url": bad})


def test_config_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEPKIT_CRON_URL", "mysql://root@127.0.0.1:3306/test")
    monkeypatch.setenv("STEPKIT_CRON_TABLE_PREFIX", "env_")
    adapter = MySQLCronAdapter.from_env()
    assert adapter.dialect.tables.locks == "env_locks"
    monkeypatch.setenv("STEPKIT_CRON_TABLE_PREFIX", "Bad")
    with pytest.raises(AdapterConfigurationError, match="table_prefix"):
        MySQLCronAdapter.from_env()
