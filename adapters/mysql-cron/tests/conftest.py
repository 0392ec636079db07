"""Fixtures: a real MySQL/MariaDB (stepkit-conformance plugin, or ``STEPKIT_MYSQL_URL``) and fresh namespaces."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable

import pytest

from stepkit.adapters.mysql_cron import MySQLCronAdapter
from stepkit.conformance.services import ServiceProvider


@pytest.fixture(scope="session")
def mysql_url(stepkit_services: ServiceProvider) -> str:
    """The real MySQL/MariaDB under test."""
    return stepkit_services.get("mysql").endpoint.url


@pytest.fixture
async def make_cron(mysql_url: str) -> AsyncIterator[Callable[..., MySQLCronAdapter]]:
    """Builds adapters sharing one fresh namespace; closes them and drops test-only tables afterwards."""
    namespace = f"test-cron-{uuid.uuid4().hex}"
    made: list[MySQLCronAdapter] = []

    def make(**settings: object) -> MySQLCronAdapter:
        config = {"url": mysql_url, "namespace": namespace, "operation_timeout": 5.0, **settings}
        adapter = MySQLCronAdapter(config)
        made.append(adapter)
        return adapter

    yield make
    prefixes = {a.dialect.tables for a in made if a.dialect.tables.locks != "stepkit_cron_locks"}
    for adapter in made:
        await adapter.close()
    if prefixes:
        dropper = MySQLCronAdapter({"url": mysql_url, "namespace": namespace})
        try:
            for tables in prefixes:
                statement = f"DROP TABLE IF EXISTS {tables.locks}, {tables.floors}"

                async def drop(conn: object, statement: str = statement) -> None:
                    await _execute(conn, statement)

                await dropper._run("drop", drop)
        finally:
            await dropper.close()


async def _execute(conn: object, sql: str) -> None:
    async with conn.cursor() as cur:  # type: ignore[attr-defined]
        await cur.execute(sql)


@pytest.fixture
def fresh_prefix() -> str:
    """A table prefix no other test uses (its tables are dropped after the test)."""
    return f"t{uuid.uuid4().hex[:12]}_"
