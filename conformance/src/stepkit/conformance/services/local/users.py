"""Database servers refuse to run as root: which user they run as, and handing files to it."""

from __future__ import annotations

import os
import pwd
from pathlib import Path

from ..errors import ServiceStartError


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


def give_to(path: Path, user: str | None) -> None:
    """Make ``user`` (when not None) own ``path``."""
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(path, entry.pw_uid, entry.pw_gid)
