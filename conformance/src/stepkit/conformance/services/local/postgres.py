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
from .users import give_to, unprivileged_user


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

    def _chown(self, path: Path) -> None:
        give_to(path, self._user)

    def prepare(self) -> None:
        self._chown(self.data_dir)
        self.log_path.touch()
        self._chown(self.log_path)
        result = subprocess.run(
            [str(self._bin / "initdb"), "-D", str(self._pgdata), "-U", POSTGRES_USER, "--auth=trust",
             "-E", "UTF8", "--no-sync", "--no-instructions"],
            env=self.base_env(), user=self._user, cwd=self.data_dir, capture_output=True, text=True,
        )  # fmt: skip
        if result.returncode != 0:
            raise ServiceStartError(f"initdb failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")

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
