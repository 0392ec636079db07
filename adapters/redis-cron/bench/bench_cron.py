"""Bench: Redis cron locks next to raw redis-py doing a plain lock, same run.

    python bench_cron.py [--url redis://127.0.0.1:6379/0] [--seconds 1.0]

One operation = acquire + release of a job. Raw baseline: ``SET key value NX
PX ttl`` then a compare-and-delete Lua release (``Script`` object, EVALSHA).
The adapter also takes a fencing token, records server-clock times and keeps
the active-locks index, in one script per step. Target: >= 0.9x raw,
sequential and with 64 tasks on distinct jobs. Always exits 0.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid

import redis.asyncio as aioredis

from stepkit.adapters.redis_common.benchkit import measure_interleaved, parse_args, print_table, speed_row
from stepkit.adapters.redis_cron import RedisCronAdapter

RAW_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


async def main() -> None:
    args = parse_args(__doc__ or "")
    namespace = f"bench-cron-{uuid.uuid4().hex}"
    cron = RedisCronAdapter({"url": args.url, "namespace": namespace})
    client = aioredis.Redis.from_url(args.url)
    release = client.register_script(RAW_RELEASE)
    raw_prefix = f"stepkit-bench-raw-lock:{namespace}:"
    jobs = itertools.cycle([f"job{i}" for i in range(256)])

    async def ours() -> None:
        lock = await cron.acquire_lock(next(jobs), 30)
        if lock is not None:
            await cron.release_lock(lock)

    async def raw() -> None:
        key = raw_prefix + next(jobs)
        token = uuid.uuid4().hex
        if await client.set(key, token, nx=True, px=30_000):
            await release(keys=[key], args=[token])

    try:
        rows = []
        for concurrency in (1, 64):
            label = "seq" if concurrency == 1 else f"{concurrency} tasks"
            a, b = await measure_interleaved([(ours, None), (raw, None)], concurrency=concurrency, seconds=args.seconds)
            rows.append(speed_row(f"acquire+release ({label})", a, b, 0.9))
        print_table("stepkit-redis-cron vs raw SET NX PX + Lua release (throughput ratio)", rows)
    finally:
        prefix = cron.redis.keys.prefix
        names = [f"{prefix}:fence:job{i}" for i in range(256)] + [f"{raw_prefix}job{i}" for i in range(256)]
        await client.unlink(*names, f"{prefix}:locks")
        await cron.close()
        await client.aclose()


if __name__ == "__main__":
    asyncio.run(main())
