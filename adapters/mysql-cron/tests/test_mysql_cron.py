"""MySQL/MariaDB cron locks against a real server: the shared SQL cron tests plus MySQL specifics."""

from __future__ import annotations

import pytest

from stepkit.adapters.mysql_cron import MySQLCronAdapter
from stepkit.adapters.mysql_cron.config import parse_url
from stepkit.adapters.sql_cron_common.checks import *  # noqa: F403 - the shared tests, collected here
from stepkit.core.errors import AdapterConfigurationError


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
