"""Pytest fixtures for the shared SQL cron tests (:mod:`.checks`); needs pytest (the ``test`` extra).

An adapter package's ``conftest.py`` imports these fixtures and defines one
more, ``sql_backend``, returning its :class:`SqlTestBackend`: the few
dialect-specific queries the tests need.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from stepkit.adapters.sql_cron_common.adapter import SqlCronAdapter
from stepkit.adapters.sql_cron_common.checks import Make
from stepkit.adapters.sql_cron_common.dialect import Tables
from stepkit.conformance.services import ServiceProvider

Query = Callable[[SqlCronAdapter, str, tuple[Any, ...]], Awaitable[Any]]
"""Runs one SQL statement on one of the adapter's own connections; returns the first value of the first row."""


@dataclass(frozen=True)
class SqlTestBackend:
    """What the shared tests need to know about one database family.

    SQL texts may contain ``{locks}`` (the lock table) and use the driver's
    parameter style; ``kill_sql`` gets the session id as ``{session}``.
    """

    adapter_class: type[SqlCronAdapter]
    service: str
    dead_url_template: str
    query: Query
    now_sql: str
    session_sql: str
    kill_sql: str
    count_sql: str


class AdapterMaker:
    """Builds test adapters of one class on one database, sharing a fresh namespace.

    ``make(**settings)`` overrides config fields; :meth:`close` closes every
    adapter built and drops the tables of every non-default ``table_prefix`` used.
    """

    def __init__(self, backend: SqlTestBackend, url: str) -> None:
        self.backend = backend
        self.url = url
        self.namespace = f"test-cron-{uuid.uuid4().hex}"
        self._made: list[SqlCronAdapter] = []

    def make(self, **settings: Any) -> SqlCronAdapter:
        """A new adapter on the test's namespace (``operation_timeout`` 5 s unless given)."""
        config = {"url": self.url, "namespace": self.namespace, "operation_timeout": 5.0, **settings}
        adapter = self.backend.adapter_class(config)
        self._made.append(adapter)
        return adapter

    async def close(self) -> None:
        """Close every adapter built; drop test-only tables."""
        cls = self.backend.adapter_class
        default = Tables.from_prefix(cls.config_model.model_fields["table_prefix"].default)
        extra = {a.dialect.tables for a in self._made if a.dialect.tables != default}
        for adapter in self._made:
            await adapter.close()
        if extra:
            dropper = cls({"url": self.url, "namespace": self.namespace})
            try:
                for tables in extra:
                    await self.backend.query(dropper, f"DROP TABLE IF EXISTS {tables.locks}, {tables.floors}", ())
            finally:
                await dropper.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def sql_url(stepkit_services: ServiceProvider, sql_backend: SqlTestBackend) -> str:
    """The real server under test (from the stepkit-conformance plugin, or ``STEPKIT_<SERVICE>_URL``)."""
    return stepkit_services.get(sql_backend.service).endpoint.url


@pytest.fixture
async def make_cron(sql_backend: SqlTestBackend, sql_url: str) -> AsyncIterator[Make]:
    """Builds adapters sharing one fresh namespace; closes them and drops test-only tables afterwards."""
    maker = AdapterMaker(sql_backend, sql_url)
    yield maker.make
    await maker.close()


@pytest.fixture
def fresh_prefix() -> str:
    """A table prefix no other test uses (its tables are dropped after the test)."""
    return f"t{uuid.uuid4().hex[:12]}_"


@pytest.fixture
def dead_url(sql_backend: SqlTestBackend) -> str:
    """A URL of the backend's kind where nothing listens."""
    return sql_backend.dead_url_template.format(port=_free_port())


@pytest.fixture
def database_now(sql_backend: SqlTestBackend, make_cron: Make) -> Callable[[], Awaitable[datetime]]:
    """The server's clock, as an aware UTC datetime."""
    probe = make_cron()

    async def now() -> datetime:
        value: datetime = await sql_backend.query(probe, sql_backend.now_sql, ())
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)

    return now


@pytest.fixture
def kill_sessions(sql_backend: SqlTestBackend, make_cron: Make) -> Callable[[SqlCronAdapter], Awaitable[int]]:
    """Has the server end the session behind the adapter's pooled connection; returns 1."""
    killer = make_cron()

    async def kill(adapter: SqlCronAdapter) -> int:
        session = int(await sql_backend.query(adapter, sql_backend.session_sql, ()))
        await sql_backend.query(killer, sql_backend.kill_sql.format(session=session), ())
        return 1

    return kill


@pytest.fixture
def count_rows(sql_backend: SqlTestBackend) -> Callable[[SqlCronAdapter], Awaitable[int]]:
    """Lock rows (live or expired) of the adapter's namespace."""

    async def count(adapter: SqlCronAdapter) -> int:
        sql = sql_backend.count_sql.format(locks=adapter.dialect.tables.locks)
        return int(await sql_backend.query(adapter, sql, (adapter.config.namespace.encode(),)))

    return count


__all__ = [
    "AdapterMaker",
    "Query",
    "SqlTestBackend",
    "count_rows",
    "database_now",
    "dead_url",
    "fresh_prefix",
    "kill_sessions",
    "make_cron",
    "sql_url",
]
