"""Redis as a local ``redis-server`` process."""

from __future__ import annotations

from .binaries import find_program
from .process import ManagedProcess
from .server import LocalServer


class RedisServer(LocalServer):
    """``redis-server`` on 127.0.0.1:port with RDB snapshots in its data dir (so restarts keep data)."""

    ready_timeout = 20.0

    @property
    def origin(self) -> str:
        return f"binary {self._binary()}"

    def _binary(self) -> str:
        return find_program(
            "redis-server",
            ["redis-server"],
            "install it with `apt-get install redis-server`",
            self.environ,
            "STEPKIT_REDIS_SERVER_BIN",
        )

    def make_main(self) -> ManagedProcess:
        argv = [
            self._binary(),
            "--bind", "127.0.0.1",
            "--port", str(self.port),
            "--dir", str(self.data_dir),
            "--daemonize", "no",
            "--protected-mode", "no",
            "--logfile", "",
        ]  # fmt: skip
        return ManagedProcess(argv, env=self.base_env(), log_path=self.log_path, cwd=self.data_dir)
