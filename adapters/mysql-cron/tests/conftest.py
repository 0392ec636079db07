"""The shared SQL cron test fixtures, on a real MySQL/MariaDB (stepkit_services or ``STEPKIT_MYSQL_URL``)."""

from __future__ import annotations

from typing import Any

import pytest

from stepkit.adapters.mysql_cron import MySQLCronAdapter
from stepkit.adapters.sql_cron_common.adapter import SqlCronAdapter
from stepkit.adapters.sql_cron_common.testing import (  # noqa: F401 - fixtures
    SqlTestBackend,
    count_rows,
    database_now,
    dead_url,
    fresh_prefix,
    kill_sessions,
    make_cron,
    sql_url,
)


async def _query(adapter: SqlCronAdapter, sql: str, args: tuple[Any, ...]) -> Any:
    async def one(conn: Any) -> Any:
        async with conn.cursor() as cur:
            await cur.execute(sql, args)
            row = await cur.fetchone()
            return None if row is None else row[0]

    return await adapter._run("test", one)


@pytest.fixture(scope="session")
def sql_backend() -> SqlTestBackend:
    """MySQL's queries for the shared tests."""
    return SqlTestBackend(
        adapter_class=MySQLCronAdapter,
        service="mysql",
        dead_url_template="mysql://x@127.0.0.1:{port}/x",
        query=_query,
        now_sql="SELECT UTC_TIMESTAMP(6)",
        session_sql="SELECT CONNECTION_ID()",
        kill_sql="KILL CONNECTION {session}",
        count_sql="SELECT count(*) FROM {locks} WHERE namespace = %s",
    )
