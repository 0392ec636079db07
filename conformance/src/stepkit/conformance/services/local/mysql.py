"""MySQL as a local MariaDB (or MySQL) server process with its own data directory."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Final

from ..endpoint import MYSQL_DB, MYSQL_PASSWORD, MYSQL_ROOT_PASSWORD, MYSQL_USER, ServiceName
from .binaries import find_program
from .process import ManagedProcess
from .server import LocalServer
from .users import give_to, run_setup, unprivileged_user

#: Server settings shared with the kit's Docker image (images/files/mysql/entrypoint.sh).
SERVER_OPTIONS: Final = (
    "--skip-name-resolve",
    "--character-set-server=utf8mb4",
    "--collation-server=utf8mb4_general_ci",
    "--innodb-buffer-pool-size=32M",
    "--innodb-log-file-size=16M",
    "--innodb-flush-log-at-trx-commit=2",
    "--skip-log-bin",
)


def _sql_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def init_sql(user: str, password: str, database: str, root_password: str) -> str:
    """Idempotent SQL run at every start: the database, its user (all privileges on it) and the
    root password, like the official image's ``MYSQL_*`` variables."""
    db = "`" + database.replace("`", "``") + "`"
    return "\n".join(
        [
            f"CREATE DATABASE IF NOT EXISTS {db};",
            f"CREATE USER IF NOT EXISTS {_sql_string(user)}@'%' IDENTIFIED BY {_sql_string(password)};",
            f"GRANT ALL PRIVILEGES ON {db}.* TO {_sql_string(user)}@'%';",
            *(
                f"ALTER USER IF EXISTS 'root'@'{host}' IDENTIFIED BY {_sql_string(root_password)};"
                for host in ("localhost", "127.0.0.1", "::1")
            ),
            "",
        ]
    )


class MariaDbServer(LocalServer):
    """A fresh MariaDB data directory (``mariadb-install-db``) served by ``mariadbd`` on
    127.0.0.1:port, its socket and pid file in the data dir, reading no option files (the
    machine's own server and its configuration are never touched). User ``stepkit``/``stepkit``
    owns database ``stepkit``; root's password is ``stepkit-root``. Every start runs an idempotent
    init file, so the user and database exist before the first connection is answered. Stop is
    SIGTERM (a clean shutdown): data survives a restart.
    """

    ready_timeout = 60.0

    def __init__(self, name: ServiceName, data_dir: Path, port: int, environ: Mapping[str, str]) -> None:
        super().__init__(name, data_dir, port, environ)
        hint = "install it with `apt-get install mariadb-server`"
        self._server = find_program(
            "the MariaDB/MySQL server (mariadbd)",
            ["mariadbd", "/usr/sbin/mariadbd", "mysqld", "/usr/sbin/mysqld"],
            hint,
            self.environ,
            "STEPKIT_MYSQL_SERVER_BIN",
        )
        self._install_db = find_program(
            "mariadb-install-db",
            ["mariadb-install-db", "/usr/bin/mariadb-install-db", "mysql_install_db", "/usr/bin/mysql_install_db"],
            hint,
            self.environ,
            "STEPKIT_MYSQL_INSTALL_DB_BIN",
        )
        self._user = unprivileged_user("MariaDB", ("mysql",))
        self._datadir = self.data_dir / "data"
        self._init_file = self.data_dir / "init.sql"

    @property
    def origin(self) -> str:
        return f"binary {self._server}"

    def prepare(self) -> None:
        self.log_path.touch()
        self._init_file.write_text(init_sql(MYSQL_USER, MYSQL_PASSWORD, MYSQL_DB, MYSQL_ROOT_PASSWORD))
        give_to(self._user, self.data_dir, self.log_path, self._init_file)
        run_setup(
            [self._install_db, "--no-defaults", f"--datadir={self._datadir}",
             "--auth-root-authentication-method=normal", "--skip-test-db", *SERVER_OPTIONS],
            user=self._user, env=self.base_env(), cwd=self.data_dir, what="mariadb-install-db",
        )  # fmt: skip

    def make_main(self) -> ManagedProcess:
        argv = [
            self._server,
            "--no-defaults",
            f"--datadir={self._datadir}",
            f"--port={self.port}",
            "--bind-address=127.0.0.1",
            f"--socket={self.data_dir / 'mysqld.sock'}",
            f"--pid-file={self.data_dir / 'mysqld.pid'}",
            f"--init-file={self._init_file}",
            *SERVER_OPTIONS,
        ]
        return ManagedProcess(argv, env=self.base_env(), log_path=self.log_path, cwd=self.data_dir, user=self._user)
