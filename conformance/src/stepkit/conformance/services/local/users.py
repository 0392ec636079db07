"""Database servers refuse to run as root: which user they run as, handing files to it, running its setup."""

from __future__ import annotations

import os
import pwd
import signal
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..errors import ServiceStartError
from .proctree import signal_family


def unprivileged_user(server: str, candidates: tuple[str, ...]) -> str | None:
    """None when not root; as root, the first existing user among ``candidates`` (then ``nobody``).

    ``ServiceStartError`` naming ``server`` when none exists.
    """
    if os.geteuid() != 0:
        return None
    for name in (*candidates, "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    tried = " nor ".join(repr(name) for name in (*candidates, "nobody"))
    raise ServiceStartError(f"{server} should not run as root and neither {tried} user exists")


def give_to(user: str | None, *paths: Path) -> None:
    """Make ``user`` (when not None) own every one of ``paths``."""
    if user is not None:
        entry = pwd.getpwnam(user)
        for path in paths:
            os.chown(path, entry.pw_uid, entry.pw_gid)


def run_setup(
    argv: Sequence[str], *, user: str | None, env: Mapping[str, str], cwd: Path, what: str, timeout: float = 120.0
) -> None:
    """Run a one-off setup program (``initdb``, ``mariadb-install-db``) as ``user`` and wait for it.

    ``ServiceStartError`` naming ``what`` with the exit status and the end of its output when it
    fails, cannot be started (missing or not executable), or runs longer than ``timeout`` seconds
    (it is killed then, with every process it started).
    """
    try:
        process = subprocess.Popen(
            list(argv),
            env=dict(env),
            user=user,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own group and session: the processes it starts are found too
        )
    except OSError as exc:
        raise ServiceStartError(f"{what} could not be started ({argv[0]}): {exc}") from exc
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        # Kill it with every process it started (initdb's ``postgres --boot`` holds the pipes).
        signal_family(process.pid, signal.SIGKILL)
        process.wait()
        for pipe in (process.stdout, process.stderr):
            if pipe is not None:
                pipe.close()
        raise ServiceStartError(f"{what} did not finish within {timeout:g}s") from exc
    if process.returncode != 0:
        raise ServiceStartError(f"{what} failed ({process.returncode}):\n{stdout[-2000:]}\n{stderr[-2000:]}")
