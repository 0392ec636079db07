"""Build the local service images (``stepkit/<image>:local``) from Debian packages.

For machines with a Docker engine but no registry: a debootstrap base, then one image per
family (redis, postgres, mysql (MariaDB), rabbitmq, kafka via Tansu, moto for DynamoDB and SQS), each from a
Dockerfile shipped in ``files/``. Images that exist are kept unless ``force`` is set.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.resources import as_file, files
from pathlib import Path
from typing import Final

from ..endpoint import ServiceName, check_service_name
from .base import DEFAULT_MIRROR, build_base
from .catalog import IMAGE_KEYS, local_tag
from .docker_cli import docker, image_present

#: Image families in build order (cheapest first).
FAMILIES: Final = ("redis", "postgres", "mysql", "rabbitmq", "kafka", "moto")
_HOST_CA: Final = Path("/etc/ssl/certs/ca-certificates.crt")


@dataclass(frozen=True)
class BuildResult:
    """What happened to one image: ``built`` (with seconds) or ``kept`` (it already existed)."""

    image: str
    action: str
    seconds: float


def families_for(services: Iterable[str]) -> list[str]:
    """The image families needed for ``services`` (service names or family names), in build order."""
    wanted: set[str] = set()
    for item in services:
        if item in FAMILIES:
            wanted.add(item)
            continue
        name: ServiceName = check_service_name(item)
        wanted.add(IMAGE_KEYS[name])
    return [family for family in FAMILIES if family in wanted]


def _build_context(family: str, target: Path) -> None:
    """Copy ``files/<family>`` and the host's CA bundle (for pip behind a TLS proxy) to ``target``."""
    with as_file(files(__package__).joinpath("files", family)) as source:
        shutil.copytree(source, target)
    ca = Path(os.environ.get("PIP_CERT") or _HOST_CA)
    if ca.is_file():
        shutil.copyfile(ca, target / "host-ca.crt")
    else:
        (target / "host-ca.crt").write_text("")


def build_image(family: str, environ: Mapping[str, str], *, force: bool = False) -> BuildResult:
    """Build ``stepkit/<family>:local`` with the legacy builder unless it exists (or ``force``)."""
    tag = local_tag(family)
    if image_present(tag) and not force:
        return BuildResult(tag, "kept", 0.0)
    started = time.monotonic()
    env = {**os.environ, "DOCKER_BUILDKIT": "0"}
    args = ["build", "--label", "stepkit.conformance.image=true", "-t", tag]
    index = environ.get("PIP_INDEX_URL")
    if index:
        args += ["--build-arg", f"PIP_INDEX_URL={index}"]
    with tempfile.TemporaryDirectory(prefix=f"stepkit-build-{family}-") as tmp:
        context = Path(tmp) / family
        _build_context(family, context)
        print(f"building {tag}", flush=True)
        docker(*args, str(context), env=env)
    return BuildResult(tag, "built", time.monotonic() - started)


def build_all(
    services: Iterable[str], environ: Mapping[str, str], *, force: bool = False, mirror: str = DEFAULT_MIRROR
) -> list[BuildResult]:
    """Build the base image when missing, then the images for ``services``; return one result each."""
    results: list[BuildResult] = []
    base_seconds = build_base(mirror, force=force)
    from .catalog import BASE_IMAGE

    results.append(BuildResult(BASE_IMAGE, "kept" if base_seconds is None else "built", base_seconds or 0.0))
    for family in families_for(services):
        results.append(build_image(family, environ, force=force))
    return results
