"""The ``stepkit`` command: ``start``, ``dev``, ``steps``, ``adapters``.

Exit codes: 0 success, 2 a configuration or step problem (all problems are
printed together).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from stepkit.core.errors import AdapterConfigurationError
from stepkit.core.registry import installed_adapters
from stepkit.runtime.config import Adapters, adapter_name_of, resolve_adapters
from stepkit.runtime.log import configure_logging
from stepkit.runtime.runtime import Runtime, adapter_healthy
from stepkit.runtime.validation import StepValidationError, load_steps

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 3000


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stepkit", description="Run Motia-style steps on pluggable adapters.")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (("start", "serve the app (production)"), ("dev", "serve the app, reloading on change")):
        command = commands.add_parser(name, help=text)
        command.add_argument("--app", type=Path, default=Path("."), help="app directory (default: .)")
        command.add_argument("--host", default=DEFAULT_HOST, help=f"bind address (default: {DEFAULT_HOST})")
        command.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT})")
    steps = commands.add_parser("steps", help="list the app's steps and their triggers")
    steps.add_argument("--app", type=Path, default=Path("."), help="app directory (default: .)")
    adapters = commands.add_parser("adapters", help="installed adapters per kind, the selected one and its health")
    adapters.add_argument("--app", type=Path, default=Path("."), help="app directory (default: .)")
    return parser


def _print_steps(app: Path) -> int:
    steps = load_steps(app.resolve())
    if not steps:
        print(f"no steps found under {app.resolve() / 'steps'} (files named *_step.py)")
        return 0
    rows = [("NAME", "TYPE", "TRIGGER", "EMITS", "FLOWS", "FILE")]
    for step in steps:
        rows.append(
            (
                step.name,
                step.type,
                step.trigger(),
                ", ".join(step.config.emits) or "-",
                ", ".join(step.config.flows) or "-",
                str(step.file.relative_to(app.resolve())),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0


async def _adapter_report(adapters: Adapters) -> list[str]:
    lines = []
    try:
        for kind, adapter in adapters.by_kind().items():
            selected = adapter_name_of(adapter)
            names = sorted(installed_adapters(kind))
            listed = ", ".join(f"*{name}" if name == selected else name for name in names)
            health = "healthy" if await adapter_healthy(adapter) else "UNHEALTHY"
            lines.append(f"{kind:8} installed: {listed}")
            lines.append(f"{'':8} selected: {adapters.sources[kind]}, {health}")
    finally:
        await adapters.close()
    return lines


def _print_adapters(app: Path) -> int:
    adapters = resolve_adapters(app.resolve())
    for line in asyncio.run(_adapter_report(adapters)):
        print(line)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``stepkit`` command."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "steps":
            return _print_steps(args.app)
        if args.command == "adapters":
            return _print_adapters(args.app)
        from stepkit.runtime.server import serve, serve_dev

        if args.command == "dev":
            load_steps(args.app.resolve())
            serve_dev(args.app, args.host, args.port)
            return 0
        runtime = Runtime.from_app(args.app)
        configure_logging(runtime.settings.log_level)
        serve(runtime, args.host, args.port)
        return 0
    except (StepValidationError, AdapterConfigurationError) as exc:
        print(f"stepkit: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
