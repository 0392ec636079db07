"""Conformance hook: builds a :class:`RedisStateAdapter` for the suite (no eager connect)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stepkit.adapters.redis_state.adapter import RedisStateAdapter

if TYPE_CHECKING:
    from stepkit.conformance import ConformanceContext


def factory(ctx: ConformanceContext) -> RedisStateAdapter:
    """An adapter on the suite's Redis, in the test's namespace."""
    return RedisStateAdapter(
        {
            "url": ctx.service("redis").url,
            "namespace": ctx.namespace,
            "operation_timeout": ctx.operation_timeout,
        }
    )


factory.requires_services = ("redis",)  # type: ignore[attr-defined]


__all__ = ["factory"]
