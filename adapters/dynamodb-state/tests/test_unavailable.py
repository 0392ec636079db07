"""A dead DynamoDB gives AdapterUnavailableError within the timeout; the adapter recovers by itself."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest

from stepkit.adapters.dynamodb_state import DynamoDBStateAdapter
from stepkit.conformance.services import ServiceHandle
from stepkit.core.errors import AdapterUnavailableError


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_closed_port_is_unavailable() -> None:
    adapter = DynamoDBStateAdapter({"url": f"http://127.0.0.1:{_closed_port()}", "operation_timeout": 1.0})
    try:
        for call in (
            lambda: adapter.get("g", "k"),
            lambda: adapter.set("g", "k", 1),
            lambda: adapter.update("g", "k", lambda v: 1),
            adapter.group_ids,
        ):
            started = time.monotonic()
            with pytest.raises(AdapterUnavailableError) as info:
                await call()
            assert time.monotonic() - started < 1.0 + 3.0
            assert info.value.__cause__ is not None
        assert not await adapter.is_healthy()
    finally:
        await adapter.close()


async def test_paused_then_restarted_server(dedicated_dynamodb: ServiceHandle) -> None:
    url = dedicated_dynamodb.endpoint.url
    adapter = DynamoDBStateAdapter({"url": url, "operation_timeout": 1.0, "namespace": "fault"})
    try:
        await adapter.set("g", "k", 1)
        await asyncio.to_thread(dedicated_dynamodb.pause)
        try:
            with pytest.raises(AdapterUnavailableError):
                await adapter.get("g", "k")
            assert await adapter.is_healthy() is False
        finally:
            await asyncio.to_thread(dedicated_dynamodb.unpause)
        assert await adapter.get("g", "k") == 1
        await asyncio.to_thread(dedicated_dynamodb.stop)
        try:
            with pytest.raises(AdapterUnavailableError):
                await adapter.set("g", "k", 2)
        finally:
            await asyncio.to_thread(dedicated_dynamodb.start)
        # moto restarted empty: the adapter re-creates its table by itself.
        for _ in range(100):
            try:
                await adapter.set("g", "after", 3)
                break
            except AdapterUnavailableError:
                await asyncio.sleep(0.2)
        assert await adapter.get("g", "after") == 3
        assert await adapter.group_ids() == ["g"]
        assert await adapter.is_healthy() is True
    finally:
        await adapter.close()
