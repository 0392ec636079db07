"""Command line and small shared pieces of the operation benches (state, cron)."""

from __future__ import annotations

import argparse
import json
import os


def parse_args(description: str, *, variable: str, default_url: str, seconds: float = 1.0) -> argparse.Namespace:
    """``--url`` (default ``$variable``, else ``default_url``) and ``--seconds`` per measurement."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get(variable, default_url))
    parser.add_argument("--seconds", type=float, default=seconds, help="duration of each measurement")
    return parser.parse_args()


def raw_dumps(value: object) -> str:
    """The raw baselines' JSON encoding: plain ``json.dumps``, compact, UTF-8 kept, no NaN.

    The same text the adapters store, without their checks: what a
    hand-written client would do.
    """
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


__all__ = ["parse_args", "raw_dumps"]
