"""A state adapter that needs NATS, a backend the kit does not know: for the declared-service tests.

It keeps its data in process memory (the example third-party adapter) and talks to NATS before
every operation (INFO, CONNECT, PING, PONG over a new connection), so a paused or stopped NATS
makes every call fail with ``AdapterUnavailableError`` within the operation timeout, and it
recovers as soon as NATS answers again.
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar
from urllib.parse import urlsplit

from acme_state.adapter import AcmeDictState

from stepkit.conformance import ConformanceContext
from stepkit.core.config import AdapterConfig
from stepkit.core.deadline import deadline


class NatsCheckedConfig(AdapterConfig):
    """Adds where NATS answers."""

    url: str = "nats://127.0.0.1:4222"


async def _ping(host: str, port: int) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        info = await reader.readline()
        if not info.startswith(b"INFO "):
            raise ConnectionError(f"not a NATS server: {info[:40]!r}")
        writer.write(b'CONNECT {"verbose":false,"pedantic":false}\r\nPING\r\n')
        await writer.drain()
        reply = await reader.readline()
        if reply != b"PONG\r\n":
            raise ConnectionError(f"NATS answered {reply[:40]!r} to PING")
    finally:
        writer.close()


class NatsCheckedState(AcmeDictState):
    """``AcmeDictState`` whose every call first proves NATS answers."""

    name: ClassVar[str] = "nats-checked"
    config_model: ClassVar[type[AdapterConfig]] = NatsCheckedConfig

    async def _check(self, operation: str) -> None:
        parts = urlsplit(self.config.url)  # type: ignore[attr-defined]
        async with deadline(self.config.operation_timeout, backend="nats", operation=operation):
            await _ping(parts.hostname or "127.0.0.1", parts.port or 4222)

    async def is_healthy(self) -> bool:
        try:
            await self._check("health check")
        except Exception:  # noqa: BLE001 - is_healthy never raises
            return False
        return not self.closed


def _checked(name: str) -> Any:
    plain = getattr(AcmeDictState, name)

    async def hook(self: NatsCheckedState, *args: Any) -> Any:
        await self._check(name.lstrip("_"))
        return await plain(self, *args)

    hook.__name__ = name
    return hook


for _hook in ("_get", "_exists", "_get_many", "_keys", "_group_ids", "_get_group", "_items", "_set", "_set_many",
              "_delete", "_clear", "_update"):  # fmt: skip
    setattr(NatsCheckedState, _hook, _checked(_hook))


def factory(ctx: ConformanceContext) -> NatsCheckedState:
    """Build one instance on the ``nats`` service (never connects here)."""
    url = ctx.service("nats").url
    return NatsCheckedState({"namespace": ctx.namespace, "operation_timeout": ctx.operation_timeout, "url": url})
