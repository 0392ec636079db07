"""RabbitMQ as a local broker node, isolated from any system RabbitMQ."""

from __future__ import annotations

import secrets
import string
import time
from collections.abc import Mapping
from pathlib import Path

from ..endpoint import ServiceName
from ..errors import ServiceStartError
from ..ports import free_port
from .binaries import find_program
from .process import ManagedProcess
from .server import LocalServer

_CONFIG = """\
default_user = guest
default_pass = guest
default_vhost = /
"""


class RabbitMqServer(LocalServer):
    """A RabbitMQ node ``stepkit-<port>@localhost`` on 127.0.0.1:port, no plugins.

    Isolation from a system broker: its own ``HOME`` and Erlang cookie, its own mnesia, log,
    config, plugins and env-file paths, its own distribution port, and its own ``epmd`` on a
    private port (``ERL_EPMD_PORT``), started before the node and stopped after it — the system's
    epmd on 4369 is never touched.
    """

    ready_timeout = 90.0

    def __init__(self, name: ServiceName, data_dir: Path, port: int, environ: Mapping[str, str]) -> None:
        super().__init__(name, data_dir, port, environ)
        self._server = find_program(
            "rabbitmq-server",
            ["/usr/lib/rabbitmq/bin/rabbitmq-server", "rabbitmq-server"],
            "install it with `apt-get install rabbitmq-server`",
            self.environ,
            "STEPKIT_RABBITMQ_SERVER_BIN",
        )
        self._epmd = find_program(
            "epmd (Erlang port mapper)",
            ["epmd", "/usr/lib/erlang/bin/epmd"],
            "install it with `apt-get install erlang-base` (a rabbitmq-server dependency)",
            self.environ,
            "STEPKIT_EPMD_BIN",
        )
        self._epmd_port = free_port()
        self._dist_port = free_port()
        self._epmd_process: ManagedProcess | None = None

    @property
    def origin(self) -> str:
        return f"binary {self._server} (node stepkit-{self.port}@localhost)"

    def _path(self, name: str) -> Path:
        return self.data_dir / name

    def prepare(self) -> None:
        home = self._path("home")
        for directory in (home, self._path("mnesia"), self._path("log"), self._path("plugins-expand")):
            directory.mkdir(parents=True, exist_ok=True)
        cookie = home / ".erlang.cookie"
        cookie.write_text("".join(secrets.choice(string.ascii_uppercase) for _ in range(20)))
        cookie.chmod(0o400)
        self._path("rabbitmq.conf").write_text(_CONFIG)
        self._path("enabled_plugins").write_text("[].\n")
        self._path("rabbitmq-env.conf").write_text("")

    def _env(self) -> dict[str, str]:
        env = self.base_env()
        env.update(
            {
                "HOME": str(self._path("home")),
                "ERL_EPMD_PORT": str(self._epmd_port),
                "RABBITMQ_NODENAME": f"stepkit-{self.port}@localhost",
                "RABBITMQ_USE_LONGNAME": "false",
                "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
                "RABBITMQ_NODE_PORT": str(self.port),
                "RABBITMQ_DIST_PORT": str(self._dist_port),
                "RABBITMQ_MNESIA_BASE": str(self._path("mnesia")),
                "RABBITMQ_LOG_BASE": str(self._path("log")),
                "RABBITMQ_LOGS": "-",
                "RABBITMQ_CONFIG_FILE": str(self._path("rabbitmq.conf")),
                "RABBITMQ_ADVANCED_CONFIG_FILE": str(self._path("advanced.config")),
                "RABBITMQ_ENABLED_PLUGINS_FILE": str(self._path("enabled_plugins")),
                "RABBITMQ_CONF_ENV_FILE": str(self._path("rabbitmq-env.conf")),
                "RABBITMQ_PID_FILE": str(self._path("rabbit.pid")),
                "RABBITMQ_PLUGINS_EXPAND_DIR": str(self._path("plugins-expand")),
            }
        )
        return env

    def companions(self) -> list[ManagedProcess]:
        if self._epmd_process is None:
            self._epmd_process = ManagedProcess(
                [self._epmd, "-port", str(self._epmd_port), "-address", "127.0.0.1"],
                env=self.base_env(),
                log_path=self._path("epmd.log"),
                cwd=self.data_dir,
            )
        return [self._epmd_process]

    def wait_companions(self) -> None:
        import socket

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self._epmd_port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise ServiceStartError(f"epmd on port {self._epmd_port} did not start")

    def make_main(self) -> ManagedProcess:
        return ManagedProcess([self._server], env=self._env(), log_path=self.log_path, cwd=self.data_dir)
