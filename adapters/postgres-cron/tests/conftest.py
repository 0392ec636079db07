"""The shared SQL cron test fixtures, on a real PostgreSQL (stepkit_services or ``STEPKIT_POSTGRES_URL``)."""

from __future__ import annotations

from typing import Any

import pytest

from stepkit.adapters.postgres_cron import PostgresCronAdapter
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
    return await adapter._run("test", lambda conn: conn.fetchval(sql, *args))


@pytest.fixture(scope="session")
def sql_backend() -> SqlTestBackend:
    """PostgreSQL's queries for the shared tests."""
    return SqlTestBackend(
        adapter_class=PostgresCronAdapter,
        service="postgres",
        dead_url_template="postgresql://x@127.0.0.1:{port}/x",
        query=_query,
        now_sql="SELECT clock_timestamp()",
        session_sql="SELECT pg_backend_pid()",
        kill_sql="SELECT pg_terminate_backend({session})",
        count_sql="SELECT count(*) FROM {locks} WHERE namespace = $1",
    )
