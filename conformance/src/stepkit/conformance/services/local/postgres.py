"""PostgreSQL as a local ``postgres`` process with its own cluster."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Mapping
from pathlib import Path

from ..endpoint import POSTGRES_DB, POSTGRES_USER, ServiceName
from ..errors import ServiceStartError
from .binaries import postgres_bin_dir
from .process import ManagedProcess
from .server import LocalServer
from .users import give_to, run_setup, unprivileged_user


class PostgresServer(LocalServer):
    """A fresh cluster (``initdb``, trust auth, superuser and database ``stepkit``) served on
    127.0.0.1:port with its socket in the data dir. Durability settings are relaxed for speed
    (fsync off): a clean stop keeps all data, an OS crash may not. Stop is a fast shutdown
    (SIGINT), which disconnects clients, as the official image's ``docker stop`` does.
    """

    ready_timeout = 30.0

    def __init__(self, name: ServiceName, data_dir: Path, port: int, environ: Mapping[str, str]) -> None:
        super().__init__(name, data_dir, port, environ)
        self._bin = postgres_bin_dir(self.environ)
        self._user = unprivileged_user("PostgreSQL", ("postgres",))
        self._pgdata = self.data_dir / "pgdata"

    @property
    def origin(self) -> str:
        return f"binary {self._bin / 'postgres'}"

    def prepare(self) -> None:
        self.log_path.touch()
        give_to(self._user, self.data_dir, self.log_path)
        run_setup(
            [str(self._bin / "initdb"), "-D", str(self._pgdata), "-U", POSTGRES_USER, "--auth=trust",
             "-E", "UTF8", "--no-sync", "--no-instructions"],
            user=self._user, env=self.base_env(), cwd=self.data_dir, what="initdb",
        )  # fmt: skip

    def make_main(self) -> ManagedProcess:
        argv = [
            str(self._bin / "postgres"),
            "-D", str(self._pgdata),
            "-p", str(self.port),
            "-k", str(self.data_dir),
            "-c", "listen_addresses=127.0.0.1",
            "-c", "fsync=off",
            "-c", "synchronous_commit=off",
            "-c", "full_page_writes=off",
        ]  # fmt: skip
        return ManagedProcess(
            argv,
            env=self.base_env(),
            log_path=self.log_path,
            cwd=self.data_dir,
            user=self._user,
            stop_signal=signal.SIGINT,
        )

    def after_first_ready(self) -> None:
        result = subprocess.run(
            [str(self._bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", POSTGRES_USER, POSTGRES_DB],
            env=self.base_env(), capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        if result.returncode != 0:
            raise ServiceStartError(f"createdb {POSTGRES_DB} failed:\n{result.stdout}\n{result.stderr}")
