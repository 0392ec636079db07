"""Adapter operation next to its raw-driver equivalent: cases measured alternately, as speed rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from stepkit.conformance.benchkit.measure import Operation, measure_interleaved
from stepkit.conformance.benchkit.table import Row, speed_row


def concurrency_label(concurrency: int) -> str:
    """``"seq"`` for one task, else ``"N tasks"``: the suffix of a row name."""
    return "seq" if concurrency == 1 else f"{concurrency} tasks"


@dataclass(frozen=True)
class Case:
    """One operation through the adapter (``ours``) and through the raw driver (``raw``).

    ``minimum`` overrides the throughput target of :func:`speed_rows` for this
    case; the ``prepare_*`` operations run untimed before each timed call.
    """

    name: str
    ours: Operation
    raw: Operation
    minimum: float | None = None
    prepare_ours: Operation | None = None
    prepare_raw: Operation | None = None


async def speed_rows(cases: Sequence[Case], *, concurrency: int, seconds: float, minimum: float) -> list[Row]:
    """Measure each case in turn, adapter and raw interleaved, and return one speed row per case.

    Each row is named ``"<case> (<concurrency label>)"``; its ratio is adapter
    ops/s over raw ops/s, its target ``>= minimum`` (or the case's own).
    """
    rows = []
    for case in cases:
        ours, raw = await measure_interleaved(
            [(case.ours, case.prepare_ours), (case.raw, case.prepare_raw)], concurrency=concurrency, seconds=seconds
        )
        target = minimum if case.minimum is None else case.minimum
        rows.append(speed_row(f"{case.name} ({concurrency_label(concurrency)})", ours, raw, target))
    return rows


__all__ = ["Case", "concurrency_label", "speed_rows"]
