"""The auto-pipelining executor against a real Redis."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from redis.exceptions import ResponseError

from stepkit.adapters.redis_common import LuaScript, RedisConnection, RedisSettings


@pytest.fixture
async def conn(redis_url: str):  # type: ignore[no-untyped-def]
    connection = RedisConnection(RedisSettings(url=redis_url, namespace=f"test-common-{uuid.uuid4().hex}"))
    yield connection
    executor = await connection.executor()
    await executor.execute("DEL", connection.keys.key("k"), connection.keys.key("n"))
    await connection.close()


async def test_concurrent_commands_are_coalesced_and_routed(conn: RedisConnection) -> None:
    executor = await conn.executor()
    sizes: list[int] = []
    executor.on_batch.append(sizes.append)
    key = conn.keys.key("n")
    results = await asyncio.gather(*(executor.execute("INCR", key) for _ in range(100)))
    assert sorted(results) == list(range(1, 101))
    assert sum(sizes) == 100
    assert len(sizes) < 100


async def test_error_reply_fails_only_its_command(conn: RedisConnection) -> None:
    executor = await conn.executor()
    key = conn.keys.key("k")
    await executor.execute("SET", key, "text")
    ok, bad, again = await asyncio.gather(
        executor.execute("GET", key),
        executor.execute("INCR", key),
        executor.execute("STRLEN", key),
        return_exceptions=True,
    )
    assert ok == b"text"
    assert isinstance(bad, ResponseError)
    assert again == 4


async def test_script_reloads_after_script_flush(conn: RedisConnection) -> None:
    script = LuaScript(f"return '{uuid.uuid4().hex}' .. ARGV[1]")
    first = await conn.script("probe", script, (), ("x",))
    executor = await conn.executor()
    assert await executor.execute("SCRIPT", "EXISTS", script.sha) == [1]
    assert await conn.script("probe", script, (), ("y",)) == first[:-1] + b"y"


async def test_cancelled_caller_does_not_corrupt_replies(conn: RedisConnection) -> None:
    executor = await conn.executor()
    key = conn.keys.key("k")
    await executor.execute("SET", key, "v")
    slow = asyncio.ensure_future(executor.execute("BLPOP", conn.keys.key("n"), 0.3))
    await asyncio.sleep(0.05)
    slow.cancel()
    for _ in range(20):
        assert await executor.execute("GET", key) == b"v"
