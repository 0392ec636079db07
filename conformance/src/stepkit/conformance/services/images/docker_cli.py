"""Thin wrappers over the ``docker`` command line, used to build images."""

from __future__ import annotations

import shutil
import subprocess
from typing import IO, Any


def docker_binary() -> str:
    """Path of the ``docker`` CLI; ``RuntimeError`` naming the package to install when absent."""
    found = shutil.which("docker")
    if not found:
        raise RuntimeError("the docker CLI is missing: install docker.io (see .ci/docker-setup.sh)")
    return found


def docker(*args: str, stdin: IO[bytes] | None = None, env: dict[str, str] | None = None) -> None:
    """Run ``docker ARGS`` with output shown; ``CalledProcessError`` when it fails."""
    subprocess.run([docker_binary(), *args], check=True, stdin=stdin, env=env)


def image_present(image: str) -> bool:
    """Whether the engine has ``image`` locally."""
    result: Any = subprocess.run(
        [docker_binary(), "image", "inspect", image], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return bool(result.returncode == 0)
