"""Benchmark kit: an adapter next to its raw driver, measured in the same run, as ratios.

Every ``adapters/*/bench/bench_*.py`` script holds only what is specific to
its adapter and its raw-driver baseline, and uses these pieces:

* :mod:`~stepkit.conformance.benchkit.measure`: :func:`measure_interleaved`
  times operations in alternating slices so machine load hits all alike;
  :class:`Figure` holds ops/s and per-call latencies.
* :mod:`~stepkit.conformance.benchkit.compare`: :class:`Case` (adapter
  operation + raw operation) and :func:`speed_rows`.
* :mod:`~stepkit.conformance.benchkit.table`: :class:`Row` with its target
  (:func:`speed_row`: ops/s ratio, :func:`slowdown_row`: latency ratio) and
  :func:`print_table`.
* :mod:`~stepkit.conformance.benchkit.cron`: :func:`compare_locks`, the cron
  benches' acquire+release comparison.
* :mod:`~stepkit.conformance.benchkit.events`: the events benches' harness
  (:class:`RawSide`, :class:`AdapterSide`, :func:`run_events`,
  :func:`print_events_table`).
* :mod:`~stepkit.conformance.benchkit.cli`: :func:`parse_args`, :func:`raw_dumps`.
* :mod:`~stepkit.conformance.benchkit.pool`: :class:`IdleQueue`, the raw side's bare pool.

Benches print PASS/MISS per target and always exit 0 unless they crash; no
test asserts on timing. ``nox -s bench`` runs them all against provisioned servers.
"""

from stepkit.conformance.benchkit.cli import parse_args, raw_dumps
from stepkit.conformance.benchkit.compare import Case, concurrency_label, speed_rows
from stepkit.conformance.benchkit.measure import Figure, Operation, measure, measure_interleaved, percentile
from stepkit.conformance.benchkit.table import Row, print_table, slowdown_row, speed_row

__all__ = [
    "Case",
    "Figure",
    "Operation",
    "Row",
    "concurrency_label",
    "measure",
    "measure_interleaved",
    "parse_args",
    "percentile",
    "print_table",
    "raw_dumps",
    "slowdown_row",
    "speed_row",
    "speed_rows",
]
