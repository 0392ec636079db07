"""Unit tests of the bench kit's pure parts: percentiles, rows and targets, interleaving, pools, tables, CLI."""

from __future__ import annotations

import asyncio
import sys

import pytest

from stepkit.conformance.benchkit import (
    Figure,
    concurrency_label,
    measure_interleaved,
    parse_args,
    percentile,
    print_table,
    raw_dumps,
    slowdown_row,
    speed_row,
)
from stepkit.conformance.benchkit.events import AdapterSide, EventsPlan, EventsResult, events_parser, print_events_table
from stepkit.conformance.benchkit.pool import IdleQueue


def figure(ops: float = 100.0, p50: float = 1.0, best: float = 1.0) -> Figure:
    return Figure(ops_per_second=ops, p50_ms=p50, p99_ms=p50 * 2, mean_ms=p50, best_p50_ms=best)


# -- percentile ---------------------------------------------------------------------------
def test_percentile_is_nearest_rank_over_sorted_samples() -> None:
    samples = [float(v) for v in (10, 1, 9, 2, 8, 3, 7, 4, 6, 5)]
    assert percentile(samples, 0.0) == 1.0
    assert percentile(samples, 0.5) == 6.0  # sorted[int(0.5 * 10)] = sorted[5]
    assert percentile(samples, 0.99) == 10.0
    assert percentile(samples, 1.0) == 10.0  # clamped to the last
    assert percentile([3.5], 0.99) == 3.5


def test_percentile_of_no_samples_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="no samples"):
        percentile([], 0.5)


# -- rows and targets -------------------------------------------------------------------
def test_speed_row_ratio_is_adapter_over_raw_and_passes_at_the_minimum() -> None:
    row = speed_row("get (seq)", figure(ops=80.0), figure(ops=100.0), 0.8)
    assert row.ratio == pytest.approx(0.8)
    assert row.passed
    assert row.target == ">= 0.8x raw"
    assert row.name == "get (seq)"
    miss = speed_row("get (seq)", figure(ops=79.0), figure(ops=100.0), 0.8)
    assert miss.ratio == pytest.approx(0.79)
    assert not miss.passed


def test_speed_row_with_a_raw_side_that_did_nothing_misses() -> None:
    row = speed_row("x", figure(ops=50.0), figure(ops=0.0), 0.5)
    assert row.ratio == 0.0
    assert not row.passed


def test_slowdown_row_ratio_is_loaded_over_empty_and_passes_up_to_the_maximum() -> None:
    ok = slowdown_row("lock under load", figure(best=3.0), figure(best=2.0), 1.5)
    assert ok.ratio == pytest.approx(1.5)
    assert ok.passed
    assert ok.target == "<= 1.5x slower"
    miss = slowdown_row("lock under load", figure(best=3.2), figure(best=2.0), 1.5)
    assert miss.ratio == pytest.approx(1.6)
    assert not miss.passed


def test_concurrency_label() -> None:
    assert concurrency_label(1) == "seq"
    assert concurrency_label(8) == "8 tasks"


def test_print_table_shows_pass_miss_and_the_count_of_targets_met(capsys: pytest.CaptureFixture[str]) -> None:
    rows = [
        speed_row("fast op", figure(ops=90.0), figure(ops=100.0), 0.8),
        speed_row("slow op", figure(ops=10.0), figure(ops=100.0), 0.8),
    ]
    print_table("My bench", rows, left="ours", right="redis-py")
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert "My bench" in lines
    assert "ours ops/s" in out
    assert "redis-py ops/s" in out
    fast = next(line for line in lines if line.startswith("fast op"))
    slow = next(line for line in lines if line.startswith("slow op"))
    assert fast.endswith("PASS")
    assert "0.90" in fast
    assert slow.endswith("MISS")
    assert "0.10" in slow
    assert lines[-1] == "1/2 targets met"


# -- measure_interleaved ----------------------------------------------------------------
async def test_measure_interleaved_alternates_and_measures_every_operation() -> None:
    order: list[str] = []
    calls = {"a": 0, "b": 0, "prep": 0}

    async def op_a() -> None:
        calls["a"] += 1
        if not order or order[-1] != "a":
            order.append("a")
        await asyncio.sleep(0)

    async def op_b() -> None:
        calls["b"] += 1
        if not order or order[-1] != "b":
            order.append("b")
        await asyncio.sleep(0)

    async def prepare_b() -> None:
        calls["prep"] += 1

    rounds = 4
    figures = await measure_interleaved(
        [(op_a, None), (op_b, prepare_b)], concurrency=2, seconds=0.08, rounds=rounds, warmup=3
    )
    assert len(figures) == 2
    # Warm-up runs each side on its own, then the timed slices alternate a, b, a, b, ...
    assert order == ["a", "b"] * (rounds + 1)
    assert calls["a"] > 3
    assert calls["b"] > 3
    assert calls["prep"] == calls["b"]  # prepare runs before every call of its operation, warm-up included
    for fig in figures:
        assert fig.ops_per_second > 0
        assert 0 <= fig.best_p50_ms <= fig.p50_ms <= fig.p99_ms
        assert fig.mean_ms >= 0


async def test_measure_interleaved_keeps_the_order_of_operations() -> None:
    async def cheap() -> None:
        return None

    async def slower() -> None:
        await asyncio.sleep(0.002)

    cheap_fig, slow_fig = await measure_interleaved([(cheap, None), (slower, None)], seconds=0.1, rounds=2, warmup=0)
    # Not a timing target: the sleeping operation simply cannot have a lower median than a no-op.
    assert slow_fig.p50_ms > cheap_fig.p50_ms


# -- IdleQueue ----------------------------------------------------------------------------
async def test_idle_queue_hands_out_connections_fifo_and_takes_them_back() -> None:
    pool = IdleQueue(["c1", "c2"])
    assert pool.connections == ["c1", "c2"]
    async with pool.borrow() as first, pool.borrow() as second:
        assert (first, second) == ("c1", "c2")
    # Returned in the order c2, c1 (inner block first): first in, first out.
    async with pool.borrow() as again:
        assert again == "c2"
    async with pool.borrow() as after:
        assert after == "c1"


async def test_idle_queue_makes_a_third_task_wait_and_returns_connections_after_an_error() -> None:
    pool = IdleQueue(["only"])
    waited = asyncio.Event()

    async def second_borrower() -> str:
        async with pool.borrow() as conn:
            waited.set()
            return conn

    tasks: list[asyncio.Task[str]] = []

    async def hold_then_fail() -> None:
        async with pool.borrow() as conn:
            tasks.append(asyncio.create_task(second_borrower()))
            await asyncio.sleep(0.01)
            assert not waited.is_set()  # the only connection is out: the other task waits
            assert conn == "only"
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await hold_then_fail()
    (task,) = tasks
    assert await task == "only"  # returned to the queue despite the error


# -- events table -------------------------------------------------------------------------
def test_print_events_table_takes_best_throughput_and_pooled_latencies(capsys: pytest.CaptureFixture[str]) -> None:
    plan = EventsPlan(count=100, rounds=4, trials=2)
    result = EventsResult(
        plan,
        "aio-pika",
        throughput={AdapterSide.label: [500.0, 900.0], "aio-pika": [1000.0, 800.0]},
        latency={AdapterSide.label: [0.001, 0.002, 0.003, 0.010], "aio-pika": [0.001, 0.001, 0.002, 0.004]},
    )
    print_events_table("RabbitMQ events", result, "ev/s")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("RabbitMQ events: 2 alternating trials, 100 events/throughput trial")
    assert "aio-pika" in lines[1]
    throughput = next(line for line in lines if line.startswith("throughput"))
    assert "900.00" in throughput
    assert "1000.00" in throughput
    assert "0.90x" in throughput
    assert throughput.endswith("PASS")
    p50 = next(line for line in lines if line.startswith("latency p50"))
    assert "2.50" in p50  # median of 1, 2, 3, 10 ms
    assert "1.50" in p50  # median of 1, 1, 2, 4 ms
    assert not p50.endswith(("PASS", "MISS"))
    p99 = next(line for line in lines if line.startswith("latency p99"))
    assert "10.00" in p99
    assert "4.00" in p99
    assert "2.50x" in p99
    assert p99.endswith("MISS")


def test_events_result_starts_empty_per_instance() -> None:
    plan = EventsPlan(count=1, rounds=1, trials=1)
    one, two = EventsResult(plan, "raw"), EventsResult(plan, "raw")
    one.throughput["raw"] = [1.0]
    assert two.throughput == {}
    assert plan.window == 200
    assert plan.warmup_count == 300


# -- command line ---------------------------------------------------------------------------
def test_parse_args_defaults_from_the_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["bench"])
    monkeypatch.setenv("STEPKIT_TEST_BENCH_URL", "redis://example:1/0")
    args = parse_args("bench", variable="STEPKIT_TEST_BENCH_URL", default_url="redis://fallback", seconds=2.5)
    assert args.url == "redis://example:1/0"
    assert args.seconds == 2.5
    monkeypatch.delenv("STEPKIT_TEST_BENCH_URL")
    assert parse_args("bench", variable="STEPKIT_TEST_BENCH_URL", default_url="redis://fallback").url == (
        "redis://fallback"
    )


def test_parse_args_reads_url_and_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["bench", "--url", "postgresql://h/db", "--seconds", "0.25"])
    args = parse_args("bench", variable="STEPKIT_TEST_BENCH_URL", default_url="x")
    assert args.url == "postgresql://h/db"
    assert args.seconds == 0.25


def test_parse_args_rejects_a_non_number_duration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["bench", "--seconds", "soon"])
    with pytest.raises(SystemExit):
        parse_args("bench", variable="STEPKIT_TEST_BENCH_URL", default_url="x")


def test_events_parser_defaults_and_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STEPKIT_TEST_BENCH_URL", raising=False)
    parser = events_parser("events", variable="STEPKIT_TEST_BENCH_URL", default_url="amqp://d", count=10, trials=2)
    args = parser.parse_args([])
    assert (args.url, args.count, args.rounds, args.trials) == ("amqp://d", 10, 200, 2)
    args = parser.parse_args(["--count", "7", "--rounds", "3"])
    assert (args.count, args.rounds) == (7, 3)


def test_raw_dumps_is_compact_utf8_and_refuses_nan() -> None:
    assert raw_dumps({"a": [1, "é"]}) == '{"a":[1,"é"]}'
    with pytest.raises(ValueError):
        raw_dumps(float("nan"))
