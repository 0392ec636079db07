"""Conformance factories for the SQL cron adapters: one builder, no per-package copies."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from stepkit.core.adapter import Adapter

if TYPE_CHECKING:
    from stepkit.conformance import ConformanceContext

A = TypeVar("A", bound=Adapter)


def sql_conformance_factory(adapter_class: type[A], service: str) -> Callable[[ConformanceContext], A]:
    """A conformance factory building ``adapter_class`` on the suite's ``service`` server.

    Each call gets the test's namespace, operation timeout and an instance id
    naming the test instance; nothing connects until the first operation.
    The factory declares ``requires_services = (service,)``.
    """

    def factory(ctx: ConformanceContext) -> A:
        return adapter_class(
            {
                "url": ctx.service(service).url,
                "namespace": ctx.namespace,
                "operation_timeout": ctx.operation_timeout,
            }
        )

    factory.requires_services = (service,)  # type: ignore[attr-defined]
    factory.__doc__ = f"A {getattr(adapter_class, '__name__', 'SQL cron adapter')} on the suite's {service}."
    return factory


__all__ = ["sql_conformance_factory"]
