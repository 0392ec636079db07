"""The Debian base image every local service image is built ``FROM``.

Built with ``debootstrap --variant=minbase`` and ``docker import``; no registry is needed.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Final

from .catalog import BASE_IMAGE
from .docker_cli import docker, image_present

DEFAULT_MIRROR: Final = "http://deb.debian.org/debian"
SUITE: Final = "bookworm"

_POLICY_RC_D: Final = "#!/bin/sh\n# stepkit: no service may start while an image is built.\nexit 101\n"
_DPKG_EXCLUDES: Final = """\
# stepkit: keep images small; no docs, manuals or translations.
path-exclude=/usr/share/doc/*
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
path-include=/usr/share/locale/locale.alias
"""
_APT_NO_RECOMMENDS: Final = 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n'


def _ensure_debootstrap() -> str:
    found = shutil.which("debootstrap")
    if found:
        return found
    print("debootstrap is missing: installing it with apt-get", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "debootstrap"], check=True)
    found = shutil.which("debootstrap")
    if not found:
        raise RuntimeError("debootstrap is still missing after apt-get install debootstrap")
    return found


def build_base(mirror: str = DEFAULT_MIRROR, *, force: bool = False) -> float | None:
    """Build ``stepkit/debian-base:bookworm`` unless it exists (or ``force``); return seconds taken,
    or None when it was already there.

    The root file system has ``policy-rc.d`` exiting 101, dpkg excludes for docs and locales,
    no recommends, and an empty apt list cache. Needs root (debootstrap) and a Debian mirror.
    """
    if image_present(BASE_IMAGE) and not force:
        return None
    started = time.monotonic()
    debootstrap = _ensure_debootstrap()
    with tempfile.TemporaryDirectory(prefix="stepkit-rootfs-") as tmp:
        root = Path(tmp) / "rootfs"
        print(f"debootstrap {SUITE} (minbase) from {mirror}", flush=True)
        subprocess.run(
            [debootstrap, "--variant=minbase", "--include=ca-certificates", SUITE, str(root), mirror],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        (root / "usr/sbin/policy-rc.d").write_text(_POLICY_RC_D)
        (root / "usr/sbin/policy-rc.d").chmod(0o755)
        (root / "etc/dpkg/dpkg.cfg.d/01-stepkit-nodoc").write_text(_DPKG_EXCLUDES)
        (root / "etc/apt/apt.conf.d/01-stepkit-norecommends").write_text(_APT_NO_RECOMMENDS)
        for leftover in ("var/lib/apt/lists", "var/cache/apt/archives", "usr/share/doc", "usr/share/man"):
            target = root / leftover
            if target.is_dir():
                for child in target.iterdir():
                    if child.is_dir() and child.name != "partial":
                        shutil.rmtree(child)
                    elif child.is_file():
                        child.unlink()
        tar = subprocess.Popen(["tar", "-C", str(root), "-c", "."], stdout=subprocess.PIPE)
        docker(
            "import",
            "--change",
            "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "--change",
            "ENV DEBIAN_FRONTEND=noninteractive",
            "--change",
            'CMD ["/bin/bash"]',
            "-",
            BASE_IMAGE,
            stdin=tar.stdout,
        )
        if tar.stdout is not None:
            tar.stdout.close()
        if tar.wait() != 0:
            raise RuntimeError("tar of the debootstrap root file system failed")
    return time.monotonic() - started
