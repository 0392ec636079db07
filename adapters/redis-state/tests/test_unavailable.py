"""An unreachable Redis gives AdapterUnavailableError within the timeout, never a hang."""

from __future__ import annotations

import socket

import pytest

from stepkit.adapters.redis_state import RedisStateAdapter
from stepkit.core.errors import AdapterUnavailableError


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_closed_port_is_unavailable() -> None:
    adapter = RedisStateAdapter(
        {"url": f"redis://127.0.0.1:{_closed_port()}/0", "operation_timeout": 1.0, "connect_timeout": 0.5}
    )
    try:
        with pytest.raises(AdapterUnavailableError) as info:
            await adapter.get("g", "k")
        assert info.value.__cause__ is not None
        with pytest.raises(AdapterUnavailableError):
            await adapter.set("g", "k", 1)
        with pytest.raises(AdapterUnavailableError):
            await adapter.update("g", "k", lambda v: 1)
        assert not await adapter.is_healthy()
    finally:
        await adapter.close()


async def test_healthy_on_real_redis(make_state) -> None:  # type: ignore[no-untyped-def]
    assert await make_state().is_healthy()
