"""Races: of N instances (threads of one loop, or separate OS processes) exactly one wins."""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor

import pytest

from stepkit.conformance.harness import Harness, scenario
from stepkit.conformance.suites.cron import process_race
from stepkit.core import Capability

pytestmark = pytest.mark.cron

RACERS = 8
ROUNDS = 5


@pytest.mark.multi
@pytest.mark.clause("cron.race")
@scenario
async def test_cron_race_exactly_one_winner_every_round(harness: Harness) -> None:
    racers = [await harness.cron() for _ in range(RACERS)]
    for round_number in range(ROUNDS):
        job = f"race:{round_number}"
        locks = await asyncio.gather(*(r.acquire_lock(job, 30) for r in racers))
        winners = [lock for lock in locks if lock is not None]
        assert len(winners) == 1, f"round {round_number}: {len(winners)} of {RACERS} racers won {job!r}"
        again = await asyncio.gather(*(r.acquire_lock(job, 30) for r in racers))
        assert all(lock is None for lock in again), f"round {round_number}: a held job was granted again"
        holder = racers[next(i for i, lock in enumerate(locks) if lock is not None)]
        assert await holder.release_lock(winners[0]) is True
        rematch = await asyncio.gather(*(r.acquire_lock(job, 30) for r in racers))
        assert sum(lock is not None for lock in rematch) == 1, f"round {round_number}: rematch after release"


@pytest.mark.multi
@pytest.mark.requires(Capability.CROSS_PROCESS)
@pytest.mark.clause("cron.race.cross_process")
def test_cron_race_across_os_processes(harness: Harness) -> None:
    local = [harness.run(harness.cron()) for _ in range(2)]
    per_process = 3
    workers = 2
    contexts = [[harness.context() for _ in range(per_process)] for _ in range(workers)]
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        assert all(f.result(60) for f in [pool.submit(process_race.warm_up) for _ in range(workers)])
        for round_number in range(3):
            job = f"xrace:{round_number}"
            start_at = time.time() + 1.5
            futures = [
                pool.submit(process_race.race, harness.target.reference, ctxs, job, 30.0, start_at) for ctxs in contexts
            ]

            async def local_race(job: str = job, start_at: float = start_at) -> list[str | None]:
                await asyncio.sleep(max(0.0, start_at - time.time()))
                locks = await asyncio.gather(*(a.acquire_lock(job, 30.0) for a in local))
                return [lock.lock_id if lock else None for lock in locks]

            results = harness.run(local_race())
            for future in futures:
                results += future.result(60)
            winners = [r for r in results if r is not None]
            assert len(winners) == 1, (
                f"round {round_number}: {len(winners)} of {len(results)} instances in "
                f"{workers + 1} processes won {job!r}"
            )
