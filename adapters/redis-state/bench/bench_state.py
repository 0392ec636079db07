"""Bench: the Redis state adapter next to raw redis-py doing the same work, same run.

    python bench_state.py [--url redis://127.0.0.1:6379/0] [--seconds 1.0]

Raw baselines use a ``redis.asyncio`` client with its connection pool (one
connection per concurrent task), hiredis, and the same JSON encoding; writes
that touch the group index use a MULTI pipeline, ``update`` uses WATCH/MULTI.
Targets: sequential >= 0.9x raw; 64 concurrent tasks >= 5x raw (auto-
pipelining); get_group/clear on a 1000-key group <= 1.2x slower with 100k
unrelated keys present. Always exits 0.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import uuid
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.client import Pipeline

from stepkit.adapters.redis_common.config import DEFAULT_URL
from stepkit.adapters.redis_state import RedisStateAdapter
from stepkit.conformance.benchkit import (
    Case,
    Figure,
    Row,
    measure_interleaved,
    parse_args,
    print_table,
    raw_dumps,
    slowdown_row,
    speed_rows,
)

NOISE_KEYS = 100_000
GROUP_SIZE = 1000


class Raw:
    """The same operations written directly against redis-py."""

    def __init__(self, client: aioredis.Redis, state: RedisStateAdapter) -> None:
        self.r = client
        self.state = state
        self.groups = state.redis.keys.key("groups")

    def h(self, group: str) -> str:
        return self.state.redis.keys.key("s", group)

    async def get(self, group: str, key: str) -> Any:
        raw = await self.r.hget(self.h(group), key)
        return None if raw is None else json.loads(raw)

    async def set(self, group: str, key: str, value: Any) -> None:
        pipe = self.r.pipeline(transaction=True)
        pipe.hset(self.h(group), key, raw_dumps(value))
        pipe.sadd(self.groups, group)
        await pipe.execute()

    async def get_many(self, group: str, keys: list[str]) -> list[Any]:
        raws = await self.r.hmget(self.h(group), keys)
        return [None if raw is None else json.loads(raw) for raw in raws]

    async def get_group(self, group: str) -> dict[str, Any]:
        flat = await self.r.hgetall(self.h(group))
        return {k.decode(): json.loads(v) for k, v in flat.items()}

    async def set_many(self, group: str, mapping: dict[str, Any]) -> None:
        pipe = self.r.pipeline(transaction=True)
        pipe.hset(self.h(group), mapping={k: raw_dumps(v) for k, v in mapping.items()})
        pipe.sadd(self.groups, group)
        await pipe.execute()

    async def clear(self, group: str) -> None:
        pipe = self.r.pipeline(transaction=True)
        pipe.unlink(self.h(group))
        pipe.srem(self.groups, group)
        await pipe.execute()

    async def update(self, group: str, key: str) -> None:
        hash_key = self.h(group)

        async def body(pipe: Pipeline) -> None:
            raw = await pipe.hget(hash_key, key)  # type: ignore[misc]
            value = (json.loads(raw) if raw is not None else 0) + 1
            pipe.multi()
            pipe.hset(hash_key, key, raw_dumps(value))
            pipe.sadd(self.groups, group)

        await self.r.transaction(body, hash_key)


async def clear_rows(state: RedisStateAdapter, raw: Raw, seconds: float, concurrency: int, minimum: float) -> list[Row]:
    """Clear of a 10-key group; refilling the group before each clear is not timed."""
    small = {f"c{i}": i for i in range(10)}
    counter = itertools.count()
    names: list[str] = []

    async def fill_ours() -> None:
        names.append(f"clr{next(counter)}")
        await state.set_many(names[-1], small)

    async def fill_raw() -> None:
        names.append(f"clr{next(counter)}")
        await raw.set_many(names[-1], small)

    async def clear_ours() -> None:
        await state.clear(names.pop())

    async def clear_raw() -> None:
        await raw.clear(names.pop())

    case = Case("clear 10-key group", clear_ours, clear_raw, prepare_ours=fill_ours, prepare_raw=fill_raw)
    try:
        return await speed_rows([case], concurrency=concurrency, seconds=seconds, minimum=minimum)
    finally:
        for name in names:
            await state.clear(name)


async def throughput_rows(state: RedisStateAdapter, raw: Raw, seconds: float) -> list[Row]:
    ten = [f"k{i}" for i in range(10)]
    await state.set_many("hot", {k: {"v": i, "name": k} for i, k in enumerate(ten)})
    await state.set_many("big", {f"k{i}": {"v": i} for i in range(100)})
    counters = [f"n{i}" for i in range(1024)]
    spread = itertools.cycle(counters)  # round-robin: concurrent updates rarely share a key
    value = {"user": "u1", "count": 3, "tags": ["a", "b"]}
    cases = [
        Case("get", lambda: state.get("hot", "k1"), lambda: raw.get("hot", "k1")),
        Case("set", lambda: state.set("w", "k", value), lambda: raw.set("w", "k", value)),
        Case("get_many 10 keys", lambda: state.get_many("hot", ten), lambda: raw.get_many("hot", ten)),
        Case(
            "update +1, 1024 keys",
            lambda: state.update("ctr", next(spread), lambda v: (v or 0) + 1),
            lambda: raw.update("ctr", next(spread)),
        ),
        Case("get_group 100 keys", lambda: state.get_group("big"), lambda: raw.get_group("big")),
    ]
    rows = []
    for concurrency, minimum in ((1, 0.9), (64, 5.0)):
        rows += await speed_rows(cases, concurrency=concurrency, seconds=seconds, minimum=minimum)
        rows += await clear_rows(state, raw, seconds, concurrency, minimum)
    return rows


async def noise_rows(state: RedisStateAdapter, client: aioredis.Redis, seconds: float) -> list[Row]:
    group = {f"k{i}": {"v": i} for i in range(GROUP_SIZE)}
    await state.set_many("g1000", group)

    async def refill() -> None:
        await state.set_many("gclr", group)

    async def clear() -> None:
        await state.clear("gclr")

    async def figures() -> tuple[Figure, Figure]:
        read, wipe = await measure_interleaved(
            [(lambda: state.get_group("g1000"), None), (clear, refill)], seconds=seconds, rounds=10
        )
        return read, wipe

    empty_read, empty_clear = await figures()
    noise_prefix = f"stepkit-bench-noise:{uuid.uuid4().hex}"
    names = [f"{noise_prefix}:{i}" for i in range(NOISE_KEYS)]
    try:
        for start in range(0, NOISE_KEYS, 5000):
            pipe = client.pipeline(transaction=False)
            for name in names[start : start + 5000]:
                pipe.set(name, "x")
            await pipe.execute()
        loaded_read, loaded_clear = await figures()
    finally:
        for start in range(0, NOISE_KEYS, 5000):
            await client.unlink(*names[start : start + 5000])
    return [
        slowdown_row(f"get_group {GROUP_SIZE} keys, +100k keys vs none", loaded_read, empty_read, 1.2),
        slowdown_row(f"clear {GROUP_SIZE} keys, +100k keys vs none", loaded_clear, empty_clear, 1.2),
    ]


async def main() -> None:
    args = parse_args(__doc__ or "", variable="STEPKIT_REDIS_URL", default_url=DEFAULT_URL)
    namespace = f"bench-state-{uuid.uuid4().hex}"
    state = RedisStateAdapter({"url": args.url, "namespace": namespace})
    client = aioredis.Redis.from_url(args.url)
    raw = Raw(client, state)
    try:
        rows = await throughput_rows(state, raw, args.seconds)
        print_table("stepkit-redis-state vs raw redis-py (throughput ratio)", rows)
        noise = await noise_rows(state, client, args.seconds)
        print_table(
            "key-space independence (best per-round median latency ratio)", noise, left="100k keys", right="no keys"
        )
    finally:
        for group in await state.group_ids():
            await state.clear(group)
        await state.close()
        await client.aclose()


if __name__ == "__main__":
    asyncio.run(main())
