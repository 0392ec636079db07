"""Bench: PostgreSQL cron locks next to raw asyncpg doing a plain one-statement lock, same run.

    python bench_cron.py [--url postgresql://...] [--seconds 2.0]

One operation = acquire + release of a job. Raw baseline on the same server,
through the same number of raw connections handed out by a bare queue: ``INSERT ... ON CONFLICT DO UPDATE
... WHERE expires_at <= now() RETURNING`` on a plain lock table, then
``UPDATE ... SET expires_at = now() WHERE lock_id = ...``. The adapter also
reads the fencing floor, keeps a token, validates input and bounds every call
in time. Target: >= 0.9x raw, sequential and with 16 tasks on distinct jobs.
Reads STEPKIT_POSTGRES_URL. Always exits 0.
"""

from __future__ import annotations

import asyncio
import uuid

import asyncpg

from stepkit.adapters.postgres_cron import PostgresCronAdapter
from stepkit.adapters.postgres_cron.config import DEFAULT_URL
from stepkit.conformance.benchkit import parse_args
from stepkit.conformance.benchkit.cron import LOCK_TTL_SECONDS, compare_locks
from stepkit.conformance.benchkit.pool import IdleQueue

POOL = 16
RAW_TABLE = "stepkit_bench_raw_locks"
RAW_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {RAW_TABLE} (
    namespace bytea NOT NULL, job bytea NOT NULL, lock_id text NOT NULL,
    acquired_at timestamptz NOT NULL, expires_at timestamptz NOT NULL,
    PRIMARY KEY (namespace, job)
)"""
RAW_ACQUIRE = f"""
INSERT INTO {RAW_TABLE} AS l (namespace, job, lock_id, acquired_at, expires_at)
VALUES ($1, $2, $3, now(), now() + $4::bigint * interval '1 microsecond')
ON CONFLICT (namespace, job) DO UPDATE
SET lock_id = EXCLUDED.lock_id, acquired_at = EXCLUDED.acquired_at, expires_at = EXCLUDED.expires_at
WHERE l.expires_at <= now()
RETURNING l.acquired_at, l.expires_at"""
RAW_RELEASE = f"""
UPDATE {RAW_TABLE} SET expires_at = now()
WHERE namespace = $1 AND job = $2 AND lock_id = $3 AND expires_at > now()"""


async def main() -> None:
    args = parse_args(__doc__ or "", variable="STEPKIT_POSTGRES_URL", default_url=DEFAULT_URL, seconds=2.0)
    namespace = f"bench-cron-{uuid.uuid4().hex}"
    raw_namespace = namespace.encode()
    cron = PostgresCronAdapter({"url": args.url, "namespace": namespace, "pool_size": POOL})
    idle = IdleQueue[asyncpg.Connection]([await asyncpg.connect(args.url) for _ in range(POOL)])
    conn0 = idle.connections[0]
    await conn0.execute(RAW_SCHEMA)

    async def raw_pair(job: str) -> None:
        lock_id = uuid.uuid4().hex
        key = job.encode()
        async with idle.borrow() as conn:
            if await conn.fetchrow(RAW_ACQUIRE, raw_namespace, key, lock_id, LOCK_TTL_SECONDS * 1_000_000) is not None:
                await conn.execute(RAW_RELEASE, raw_namespace, key, lock_id)

    try:
        await compare_locks(
            "stepkit-postgres-cron vs raw asyncpg upsert lock (throughput ratio)", cron, raw_pair, args.seconds
        )
    finally:
        tables = cron.dialect.tables
        await conn0.execute(f"DELETE FROM {RAW_TABLE} WHERE namespace = $1", raw_namespace)
        await conn0.execute(f"DELETE FROM {tables.locks} WHERE namespace = $1", raw_namespace)
        await conn0.execute(f"DELETE FROM {tables.floors} WHERE namespace = $1", raw_namespace)
        await cron.close()
        for connection in idle.connections:
            await connection.close()


if __name__ == "__main__":
    asyncio.run(main())
