"""Conformance hook: builds a :class:`RedisCronAdapter` for the suite (no eager connect)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stepkit.adapters.redis_cron.adapter import RedisCronAdapter

if TYPE_CHECKING:
    from stepkit.conformance import ConformanceContext


def factory(ctx: ConformanceContext) -> RedisCronAdapter:
    """An adapter on the suite's Redis, in the test's namespace, one holder id per instance."""
    return RedisCronAdapter(
        {
            "url": ctx.service("redis").url,
            "namespace": ctx.namespace,
            "operation_timeout": ctx.operation_timeout,
        }
    )


factory.requires_services = ("redis",)  # type: ignore[attr-defined]


__all__ = ["factory"]
