"""Bounded errors on a dead or paused server, and recovery once it is back."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from stepkit.adapters.redis_common import RedisConnection, RedisSettings
from stepkit.core.errors import AdapterUnavailableError


def _connection(url: str) -> RedisConnection:
    return RedisConnection(RedisSettings(url=url, operation_timeout=1.0, connect_timeout=0.5))


async def test_closed_port_gives_unavailable(closed_url: str) -> None:
    conn = _connection(closed_url)
    try:
        with pytest.raises(AdapterUnavailableError) as info:
            await conn.call("get", "GET", "k")
        assert info.value.__cause__ is not None
        results = await asyncio.gather(*(conn.call("get", "GET", "k") for _ in range(10)), return_exceptions=True)
        assert all(isinstance(r, AdapterUnavailableError) for r in results)
        assert not await conn.ping()
    finally:
        await conn.close()


async def test_restart_recovers_without_new_adapter(private_redis: Any) -> None:
    conn = _connection(private_redis.url)
    try:
        assert await conn.call("set", "SET", "k", "1") == b"OK"
        private_redis.stop()
        with pytest.raises(AdapterUnavailableError):
            await conn.call("get", "GET", "k")
        private_redis.start()
        assert await conn.call("set", "SET", "k", "2") == b"OK"
        assert await conn.call("get", "GET", "k") == b"2"
    finally:
        await conn.close()


async def test_paused_server_times_out_then_recovers(private_redis: Any) -> None:
    conn = _connection(private_redis.url)
    try:
        await conn.call("set", "SET", "k", "1")
        private_redis.pause()
        results = await asyncio.gather(*(conn.call("get", "GET", "k") for _ in range(20)), return_exceptions=True)
        assert all(isinstance(r, AdapterUnavailableError) for r in results)
        private_redis.resume()
        assert await conn.call("get", "GET", "k") == b"1"
        assert await asyncio.gather(*(conn.call("get", "GET", "k") for _ in range(20))) == [b"1"] * 20
    finally:
        await conn.close()
