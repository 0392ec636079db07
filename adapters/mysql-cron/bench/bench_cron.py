"""Bench: MySQL/MariaDB cron locks next to raw asyncmy doing a plain one-statement lock, same run.

    python bench_cron.py [--url mysql://root@127.0.0.1:3306/test] [--seconds 2.0]

One operation = acquire + release of a job. Raw baseline on the same server,
through the same number of raw asyncmy connections (opened with the adapter's
session settings, then used directly) handed out by a bare queue:
``INSERT ... ON DUPLICATE KEY UPDATE col = IF(expired, new, old)`` plus its
read-back ``SELECT`` in one round trip (MySQL has no ``RETURNING``), then
``UPDATE ... SET expires_at = now WHERE lock_id = ...``. The adapter also reads
the fencing floor, keeps a token, validates input and bounds every call in
time. Target: >= 0.9x raw, sequential and with 16 tasks on distinct jobs.
Reads STEPKIT_MYSQL_URL. Always exits 0.
"""

from __future__ import annotations

import asyncio
import uuid

from asyncmy.connection import Connection

from stepkit.adapters.mysql_cron import MySQLCronAdapter
from stepkit.adapters.mysql_cron.config import DEFAULT_URL
from stepkit.conformance.benchkit import parse_args
from stepkit.conformance.benchkit.cron import LOCK_TTL_SECONDS, compare_locks
from stepkit.conformance.benchkit.pool import IdleQueue

POOL = 16
RAW_TABLE = "stepkit_bench_raw_locks"
RAW_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS {RAW_TABLE} (
    namespace VARBINARY(1024) NOT NULL, job VARBINARY(1024) NOT NULL, lock_id VARBINARY(64) NOT NULL,
    acquired_at DATETIME(6) NOT NULL, expires_at DATETIME(6) NOT NULL,
    PRIMARY KEY (namespace, job)
) ENGINE=InnoDB"""
_EXPIRED = "expires_at <= CURRENT_TIMESTAMP(6)"
RAW_ACQUIRE = f"""
INSERT INTO {RAW_TABLE} (namespace, job, lock_id, acquired_at, expires_at)
VALUES (%s, %s, %s, CURRENT_TIMESTAMP(6), CURRENT_TIMESTAMP(6) + INTERVAL %s MICROSECOND)
ON DUPLICATE KEY UPDATE
    lock_id = IF({_EXPIRED}, VALUES(lock_id), lock_id),
    acquired_at = IF({_EXPIRED}, VALUES(acquired_at), acquired_at),
    expires_at = IF({_EXPIRED}, VALUES(expires_at), expires_at);
SELECT acquired_at, expires_at FROM {RAW_TABLE} WHERE namespace = %s AND job = %s AND lock_id = %s"""
RAW_RELEASE = f"""
UPDATE {RAW_TABLE} SET expires_at = CURRENT_TIMESTAMP(6)
WHERE namespace = %s AND job = %s AND lock_id = %s AND expires_at > CURRENT_TIMESTAMP(6)"""


async def main() -> None:
    args = parse_args(__doc__ or "", variable="STEPKIT_MYSQL_URL", default_url=DEFAULT_URL, seconds=2.0)
    namespace = f"bench-cron-{uuid.uuid4().hex}"
    raw_namespace = namespace.encode()
    cron = MySQLCronAdapter({"url": args.url, "namespace": namespace, "pool_size": POOL})
    idle = IdleQueue[Connection]([await cron.dialect.connect() for _ in range(POOL)])
    async with idle.connections[0].cursor() as cur:
        await cur.execute(RAW_SCHEMA)

    async def raw_pair(job: str) -> None:
        lock_id = uuid.uuid4().hex
        key = job.encode()
        async with idle.borrow() as conn, conn.cursor() as cur:
            ttl = LOCK_TTL_SECONDS * 1_000_000
            await cur.execute(RAW_ACQUIRE, (raw_namespace, key, lock_id, ttl, raw_namespace, key, lock_id))
            await cur.nextset()
            if await cur.fetchone() is not None:
                await cur.execute(RAW_RELEASE, (raw_namespace, key, lock_id))

    try:
        await compare_locks(
            "stepkit-mysql-cron vs raw asyncmy upsert lock (throughput ratio)", cron, raw_pair, args.seconds
        )
    finally:
        tables = cron.dialect.tables
        async with idle.connections[0].cursor() as cur:
            for table in (RAW_TABLE, tables.locks, tables.floors):
                await cur.execute(f"DELETE FROM {table} WHERE namespace = %s", (raw_namespace,))
        await cron.close()
        for connection in idle.connections:
            connection.close()


if __name__ == "__main__":
    asyncio.run(main())
