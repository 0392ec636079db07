"""DynamoDB and SQS as a local moto server process."""

from __future__ import annotations

import sys

from .binaries import moto_available
from .process import ManagedProcess
from .server import LocalServer


class MotoServer(LocalServer):
    """``python -m moto.server`` on 127.0.0.1:port, run by this interpreter.

    moto keeps state in memory: a stop/start keeps the address but starts empty.
    """

    ready_timeout = 30.0

    @property
    def origin(self) -> str:
        return f"{sys.executable} -m moto.server (moto {moto_available()})"

    def make_main(self) -> ManagedProcess:
        moto_available()
        argv = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)]
        return ManagedProcess(argv, env=self.base_env(), log_path=self.log_path, cwd=self.data_dir)
