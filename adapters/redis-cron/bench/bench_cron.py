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
import uuid

import redis.asyncio as aioredis

from stepkit.adapters.redis_common.config import DEFAULT_URL
from stepkit.adapters.redis_cron import RedisCronAdapter
from stepkit.conformance.benchkit import parse_args
from stepkit.conformance.benchkit.cron import LOCK_TTL_SECONDS, compare_locks, job_names

RAW_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


async def main() -> None:
    args = parse_args(__doc__ or "", variable="STEPKIT_REDIS_URL", default_url=DEFAULT_URL)
    namespace = f"bench-cron-{uuid.uuid4().hex}"
    cron = RedisCronAdapter({"url": args.url, "namespace": namespace})
    client = aioredis.Redis.from_url(args.url)
    release = client.register_script(RAW_RELEASE)
    raw_prefix = f"stepkit-bench-raw-lock:{namespace}:"

    async def raw_pair(job: str) -> None:
        key = raw_prefix + job
        token = uuid.uuid4().hex
        if await client.set(key, token, nx=True, px=LOCK_TTL_SECONDS * 1000):
            await release(keys=[key], args=[token])

    try:
        await compare_locks(
            "stepkit-redis-cron vs raw SET NX PX + Lua release (throughput ratio)",
            cron,
            raw_pair,
            args.seconds,
            concurrencies=(1, 64),
        )
    finally:
        prefix = cron.redis.keys.prefix
        names = [f"{prefix}:fence:{job}" for job in job_names()] + [raw_prefix + job for job in job_names()]
        await client.unlink(*names, f"{prefix}:locks")
        await cron.close()
        await client.aclose()


if __name__ == "__main__":
    asyncio.run(main())
