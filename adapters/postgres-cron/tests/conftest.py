"""Fixtures: a real PostgreSQL (stepkit-conformance plugin, or ``STEPKIT_POSTGRES_URL``) and fresh namespaces."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable

import asyncpg
import pytest

from stepkit.adapters.postgres_cron import PostgresCronAdapter
from stepkit.conformance.services import ServiceProvider


@pytest.fixture(scope="session")
def postgres_url(stepkit_services: ServiceProvider) -> str:
    """The real PostgreSQL under test."""
    return stepkit_services.get("postgres").endpoint.url


@pytest.fixture
async def make_cron(postgres_url: str) -> AsyncIterator[Callable[..., PostgresCronAdapter]]:
    """Builds adapters sharing one fresh namespace; closes them and drops test-only tables afterwards."""
    namespace = f"test-cron-{uuid.uuid4().hex}"
    made: list[PostgresCronAdapter] = []

    def make(**settings: object) -> PostgresCronAdapter:
        config = {"url": postgres_url, "namespace": namespace, "operation_timeout": 5.0, **settings}
        adapter = PostgresCronAdapter(config)
        made.append(adapter)
        return adapter

    yield make
    prefixes = {a.dialect.tables for a in made if a.dialect.tables.locks != "stepkit_cron_locks"}
    for adapter in made:
        await adapter.close()
    if prefixes:
        conn = await asyncpg.connect(postgres_url)
        try:
            for tables in prefixes:
                await conn.execute(f"DROP TABLE IF EXISTS {tables.locks}, {tables.floors}")
        finally:
            await conn.close()


@pytest.fixture
def fresh_prefix() -> str:
    """A table prefix no other test uses (its tables are dropped after the test)."""
    return f"t{uuid.uuid4().hex[:12]}_"
