"""The settings every server-backed adapter's conformance factory starts from.

A structural type stands for ``stepkit.conformance.ConformanceContext``, so the core does not
depend on the conformance kit.
"""

from __future__ import annotations

from typing import Any, Protocol

MIN_DRAIN_TIMEOUT = 5.0
"""The shortest ``drain_timeout`` an events factory gives, whatever the operation timeout."""


class ServiceEndpointLike(Protocol):
    """What a factory reads from a provisioned service's endpoint."""

    @property
    def url(self) -> str: ...


class ServiceContext(Protocol):
    """What a factory reads from the conformance context."""

    @property
    def namespace(self) -> str: ...

    @property
    def operation_timeout(self) -> float: ...

    def service(self, name: str) -> ServiceEndpointLike: ...


def service_settings(ctx: ServiceContext, service: str) -> dict[str, Any]:
    """``url`` of the kit's ``service``, the test's ``namespace`` and ``operation_timeout``.

    Every instance built from one test's context shares the namespace (one logical backend);
    nothing connects here, so a factory using it is safe to call in a child process.
    """
    return {"url": ctx.service(service).url, "namespace": ctx.namespace, "operation_timeout": ctx.operation_timeout}


def events_service_settings(ctx: ServiceContext, service: str) -> dict[str, Any]:
    """:func:`service_settings` plus ``drain_timeout``: the operation timeout, at least 5 s."""
    return {**service_settings(ctx, service), "drain_timeout": max(MIN_DRAIN_TIMEOUT, ctx.operation_timeout)}


__all__ = ["MIN_DRAIN_TIMEOUT", "ServiceContext", "ServiceEndpointLike", "events_service_settings", "service_settings"]
