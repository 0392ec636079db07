"""``python -m stepkit.conformance.services.images build [--services ...] [--force]``."""

from __future__ import annotations

import argparse
import os
import sys
import time

from ..endpoint import SERVICE_NAMES
from .base import DEFAULT_MIRROR
from .build import FAMILIES, build_all


def main(argv: list[str] | None = None) -> int:
    """Build local service images and print one line per image with what happened and how long."""
    parser = argparse.ArgumentParser(
        prog="python -m stepkit.conformance.services.images",
        description="Build local Docker images of the test services from Debian packages (no registry needed).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build missing images (all by default)")
    build.add_argument(
        "--services",
        nargs="+",
        default=list(SERVICE_NAMES),
        metavar="NAME",
        help=f"services or image families: {', '.join((*SERVICE_NAMES, *FAMILIES))}",
    )
    build.add_argument("--force", action="store_true", help="rebuild images that already exist")
    build.add_argument(
        "--mirror",
        default=os.environ.get("STEPKIT_DEBIAN_MIRROR", DEFAULT_MIRROR),
        help="Debian mirror for the base image (default: $STEPKIT_DEBIAN_MIRROR or deb.debian.org)",
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        results = build_all(args.services, os.environ, force=args.force, mirror=args.mirror)
    except ValueError as exc:
        parser.error(str(exc))
    for result in results:
        print(f"{result.image:32} {result.action:5} {result.seconds:6.1f}s")
    print(f"images ready in {time.monotonic() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
