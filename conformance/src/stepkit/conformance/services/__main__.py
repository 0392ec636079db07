"""Run a command with real servers provisioned around it.

    python -m stepkit.conformance.services exec --services redis,rabbitmq -- CMD [ARGS...]

Starts each named service through :func:`provider_from_env` (Testcontainers,
local processes, or ``STEPKIT_<SERVICE>_URL``), exports
``STEPKIT_<SERVICE>_URL`` for each into the command's environment, runs the
command, stops the services and exits with the command's status.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from .endpoint import SERVICE_NAMES
from .selection import provider_from_env


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m stepkit.conformance.services")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("exec", help="run a command with services provisioned")
    run.add_argument("--services", required=True, help=f"comma-separated, from: {', '.join(SERVICE_NAMES)}")
    run.add_argument("argv", nargs=argparse.REMAINDER, help="the command, after --")
    args = parser.parse_args(argv)
    if args.argv and args.argv[0] == "--":
        args.argv = args.argv[1:]
    if not args.argv:
        parser.error("exec needs a command after --")
    return args


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the command's exit status."""
    args = _parse(sys.argv[1:] if argv is None else argv)
    names = [n.strip() for n in args.services.split(",") if n.strip()]
    env = dict(os.environ)
    with provider_from_env() as provider:
        for name in names:
            endpoint = provider.get(name).endpoint
            env[f"STEPKIT_{name.upper()}_URL"] = endpoint.url
        for line in provider.describe():
            print(f"[services] {line}", flush=True)
        return subprocess.run(args.argv, env=env, check=False).returncode


if __name__ == "__main__":
    raise SystemExit(main())
