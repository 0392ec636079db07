"""Prove every adapter can reach its backend before the runtime takes any work.

``stepkit start`` runs :func:`preflight` on a separate set of adapters (same
configuration) before it binds anything to them: a refused connection, a bad
password or a backend that does not answer within its operation timeout is
reported as one line per adapter naming the kind, the adapter and the reason.
"""

from __future__ import annotations

import asyncio

from stepkit.core.adapter import Adapter
from stepkit.runtime.config import Adapters
from stepkit.runtime.runtime import adapter_healthy


def _one_line(text: str) -> str:
    return " ".join(text.split())


async def adapter_problem(adapter: Adapter) -> str | None:
    """Why ``adapter`` cannot serve (connect failure, timeout, unhealthy), or None. Bounded; never raises."""
    timeout = float(getattr(adapter.config, "operation_timeout", 5.0)) + 1.0
    try:
        async with asyncio.timeout(timeout):
            await adapter.open()
    except TimeoutError:
        return f"no answer within {timeout:g}s"
    except Exception as exc:  # noqa: BLE001 - the reason is reported, never raised
        message = _one_line(str(exc))
        cause = exc.__cause__
        if cause is not None and _one_line(str(cause)) not in message:
            message += f" ({type(cause).__name__}: {_one_line(str(cause))})"
        return f"{type(exc).__name__}: {message}"
    if not await adapter_healthy(adapter):
        return "its health check failed"
    return None


async def preflight(adapters: Adapters) -> list[str]:
    """One line per adapter that cannot serve (empty when all can); closes the adapters."""
    try:
        kinds = adapters.by_kind()
        problems = await asyncio.gather(*(adapter_problem(adapter) for adapter in kinds.values()))
        return [
            f"{kind} adapter {adapters.sources.get(kind, kind)} is unavailable: {problem}"
            for kind, problem in zip(kinds, problems, strict=True)
            if problem is not None
        ]
    finally:
        await adapters.close()


__all__ = ["adapter_problem", "preflight"]
