"""Conformance factories for Redis adapters: one builder, no per-package copies."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from stepkit.core.adapter import Adapter

if TYPE_CHECKING:
    from stepkit.conformance import ConformanceContext

A = TypeVar("A", bound=Adapter)


def redis_conformance_factory(
    adapter_class: type[A],
) -> Callable[[ConformanceContext], A]:
    """A conformance factory building ``adapter_class`` on the suite's Redis.

    Each call gets the test's namespace and operation timeout; nothing
    connects until the first operation. The factory declares
    ``requires_services = ("redis",)`` so the kit provisions Redis for it.
    """

    def factory(ctx: ConformanceContext) -> A:
        return adapter_class(
            {
                "url": ctx.service("redis").url,
                "namespace": ctx.namespace,
                "operation_timeout": ctx.operation_timeout,
            }
        )

    factory.requires_services = ("redis",)  # type: ignore[attr-defined]
    factory.__doc__ = (
        f"A {getattr(adapter_class, '__name__', 'Redis adapter')} on the suite's Redis, in the test's namespace."
    )
    return factory


__all__ = ["redis_conformance_factory"]
