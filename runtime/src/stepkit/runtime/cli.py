"""The ``stepkit`` command: ``start``, ``dev``, ``steps``, ``adapters``, ``dlq``.

Exit codes: 0 success; 1 a backend failed (``adapters`` found one unhealthy,
``dlq`` could not reach the broker); 2 a configuration, step or startup
problem: every step problem is printed together, anything else as one line
``stepkit: ...`` naming the variable, adapter or port and the rule. ``start``
checks everything (steps, configuration, the port, every adapter's backend)
before it subscribes or schedules anything.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from stepkit.core.errors import AdapterConfigurationError, AdapterError
from stepkit.core.registry import installed_adapters
from stepkit.runtime.config import Adapters, adapter_name_of, resolve_adapters
from stepkit.runtime.dlq import run_dlq
from stepkit.runtime.log import configure_logging
from stepkit.runtime.preflight import adapter_problem, preflight
from stepkit.runtime.runtime import Runtime
from stepkit.runtime.validation import StepValidationError, load_steps, require_steps

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
    dlq = commands.add_parser("dlq", help="dead-letter queues of subscriber groups: list, count, redrive")
    dlq.add_argument("action", choices=["list", "count", "redrive"])
    dlq.add_argument("topic", nargs="?", help="topic (list: optional, default every event step's topics)")
    dlq.add_argument("subscriber", nargs="?", help="subscriber group, i.e. the event step's name")
    dlq.add_argument("--app", type=Path, default=Path("."), help="app directory (default: .)")
    return parser


class StartupError(Exception):
    """``stepkit start`` cannot serve: the port is taken or a backend cannot be reached."""


def _print_steps(app: Path) -> int:
    steps = require_steps(app.resolve(), load_steps(app.resolve()))
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


async def _adapter_report(adapters: Adapters) -> tuple[list[str], bool]:
    lines = []
    healthy = True
    try:
        for kind, adapter in adapters.by_kind().items():
            selected = adapter_name_of(adapter)
            names = sorted(installed_adapters(kind))
            listed = ", ".join(f"*{name}" if name == selected else name for name in names)
            problem = await adapter_problem(adapter)
            healthy = healthy and problem is None
            health = "healthy" if problem is None else f"UNHEALTHY: {problem}"
            lines.append(f"{kind:8} installed: {listed}")
            lines.append(f"{'':8} selected: {adapters.sources[kind]}, {health}")
    finally:
        await adapters.close()
    return lines, healthy


def _print_adapters(app: Path) -> int:
    lines, healthy = asyncio.run(_adapter_report(resolve_adapters(app.resolve())))
    for line in lines:
        print(line)
    return 0 if healthy else 1


def _start(app: Path, host: str, port: int) -> int:
    from stepkit.runtime.server import bind, serve

    runtime = Runtime.from_app(app)
    try:
        sock = bind(host, port)
    except OSError as exc:
        raise StartupError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    try:
        problems = asyncio.run(preflight(resolve_adapters(app.resolve())))
        if problems:
            raise StartupError("; ".join(problems))
        configure_logging(runtime.settings.log_level)
        if not serve(runtime, host, port, sock):
            reason = runtime.start_error
            detail = f"{type(reason).__name__}: {' '.join(str(reason).split())}" if reason else "see the log above"
            raise StartupError(f"the runtime failed to start: {detail}")
    finally:
        sock.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``stepkit`` command."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "steps":
            return _print_steps(args.app)
        if args.command == "adapters":
            return _print_adapters(args.app)
        if args.command == "dlq":
            if args.action != "list" and args.subscriber is None:
                print(f"stepkit: dlq {args.action} needs TOPIC and SUBSCRIBER", file=sys.stderr)
                return 2
            for line in asyncio.run(run_dlq(args.action, args.app.resolve(), args.topic, args.subscriber)):
                print(line)
            return 0
        if args.command == "dev":
            from stepkit.runtime.server import serve_dev

            require_steps(args.app.resolve(), load_steps(args.app.resolve()))
            serve_dev(args.app, args.host, args.port)
            return 0
        return _start(args.app, args.host, args.port)
    except StepValidationError as exc:
        print(f"stepkit: {exc}", file=sys.stderr)
        return 2
    except (AdapterConfigurationError, StartupError) as exc:
        print(f"stepkit: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    except AdapterError as exc:
        print(f"stepkit: {type(exc).__name__}: {' '.join(str(exc).split())}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
