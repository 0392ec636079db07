"""``LocalServer``: how to prepare, launch and finish one kind of local server process."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Mapping
from pathlib import Path

from ..endpoint import ServiceName
from .process import ManagedProcess


class LocalServer(ABC):
    """One server instance on ``127.0.0.1:port`` with its own ``data_dir``.

    The handle calls ``prepare()`` once, launches ``companions()`` then ``main`` and waits for
    the protocol probe, then calls ``after_first_ready()`` once. Restarts relaunch ``main``
    alone, on the same port and data dir.
    """

    ready_timeout: float = 30.0

    def __init__(self, name: ServiceName, data_dir: Path, port: int, environ: Mapping[str, str]) -> None:
        self.name = name
        self.data_dir = data_dir
        self.port = port
        self.environ = dict(environ)
        self.log_path = data_dir / f"{name}.log"
        self._main: ManagedProcess | None = None

    def base_env(self) -> dict[str, str]:
        """The caller's environment with a sane PATH and C locale, for child processes."""
        env = dict(self.environ)
        env.setdefault("PATH", os.defpath)
        env["LC_ALL"] = "C.UTF-8"
        env["LANG"] = "C.UTF-8"
        return env

    @property
    @abstractmethod
    def origin(self) -> str:
        """The binary (and version where cheap) serving this instance, for reports."""

    @abstractmethod
    def make_main(self) -> ManagedProcess:
        """The server process definition (not yet launched)."""

    @property
    def main(self) -> ManagedProcess:
        """The server process, created on first use."""
        if self._main is None:
            self._main = self.make_main()
        return self._main

    def prepare(self) -> None:
        """One-time setup before the first launch (e.g. initdb). Default: nothing."""

    def companions(self) -> list[ManagedProcess]:
        """Helper processes started before ``main`` and stopped after it. Default: none."""
        return []

    def wait_companions(self) -> None:
        """Block until the companions serve. Default: nothing."""

    def after_first_ready(self) -> None:
        """One-time setup once the server first answers (e.g. create a database). Default: nothing."""
