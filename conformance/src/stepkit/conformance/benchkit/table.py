"""Rows of adapter-vs-raw figures with a target each, and the printed table.

Two kinds of target: a speed target (``adapter ops/s >= minimum x raw
ops/s``, the ratio is adapter over raw) and a slowdown target (``best
per-round median latency under load <= maximum x without``, the ratio is
loaded over empty). A row PASSes when its ratio meets its target, else MISSes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from stepkit.conformance.benchkit.measure import Figure


@dataclass(frozen=True)
class Row:
    """One line of the bench table: the adapter's figure next to the raw one."""

    name: str
    adapter: Figure
    raw: Figure
    target: str
    ratio: float
    passed: bool


def speed_row(name: str, adapter: Figure, raw: Figure, minimum: float) -> Row:
    """A row whose target is ``adapter throughput >= minimum x raw``."""
    ratio = adapter.ops_per_second / raw.ops_per_second if raw.ops_per_second else 0.0
    return Row(name, adapter, raw, f">= {minimum:g}x raw", ratio, ratio >= minimum)


def slowdown_row(name: str, loaded: Figure, empty: Figure, maximum: float) -> Row:
    """A row whose target is ``best median latency loaded <= maximum x empty``."""
    ratio = loaded.best_p50_ms / empty.best_p50_ms if empty.best_p50_ms else 0.0
    return Row(name, loaded, empty, f"<= {maximum:g}x slower", ratio, ratio <= maximum)


def print_table(title: str, rows: Sequence[Row], left: str = "stepkit", right: str = "raw") -> None:
    """Print the rows as a fixed-width table with PASS/MISS per target and a count of targets met."""
    header = (
        f"{'operation':<44} {left + ' ops/s':>13} {'p50/p99 ms':>13} {right + ' ops/s':>13} "
        f"{'p50/p99 ms':>13} {'ratio':>6}  {'target':<16} result"
    )
    print(f"\n{title}\n{header}\n{'-' * len(header)}")
    for row in rows:
        print(
            f"{row.name:<44} {row.adapter.ops_per_second:>13,.0f} "
            f"{row.adapter.p50_ms:>6.3f}/{row.adapter.p99_ms:<6.3f} "
            f"{row.raw.ops_per_second:>13,.0f} {row.raw.p50_ms:>6.3f}/{row.raw.p99_ms:<6.3f} "
            f"{row.ratio:>6.2f}  {row.target:<16} {'PASS' if row.passed else 'MISS'}"
        )
    passed = sum(row.passed for row in rows)
    print(f"{passed}/{len(rows)} targets met")


__all__ = ["Row", "print_table", "slowdown_row", "speed_row"]
