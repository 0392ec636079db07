"""What a conformance factory receives: where, how long, which instance, which servers.

A *factory* is ``def factory(ctx: ConformanceContext) -> Adapter`` (or ``async def``).
It builds an adapter **without connecting** (adapters connect lazily) and may be
called in a child process, so the context is plain, picklable data.

Servers: ``ctx.service("redis")`` returns a :class:`ServiceEndpoint`. The kit
learns which services a factory needs by calling it once at collection time
with a *probe* context (placeholder endpoints, nothing provisioned), or reads
them from a ``requires_services`` attribute on the factory when present. Before
building real instances the kit provisions those services in the parent
process and puts their endpoints into ``ctx.services``; a child process
therefore never provisions anything itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from stepkit.conformance.services import ServiceEndpoint

Resolver = Callable[[str], ServiceEndpoint]
"""Provisions a service by name and returns its endpoint (parent process only)."""

_resolver: Resolver | None = None


def install_resolver(resolver: Resolver | None) -> Resolver | None:
    """Set the fallback used by :meth:`ConformanceContext.service` for names not in
    ``services``; returns the previous one. The plugin installs one backed by the
    session's ``ServiceProvider``."""
    global _resolver
    previous = _resolver
    _resolver = resolver
    return previous


@dataclass(frozen=True)
class ConformanceContext:
    """Everything a factory may use to build one adapter instance.

    * ``namespace``: unique per test; every instance built for one test shares
      it, so they form one logical store.
    * ``operation_timeout``: seconds; pass it to the adapter's config so that a
      dead backend fails within this bound.
    * ``instance_index``: 0, 1, 2... for the instances of one test (use it for
      e.g. a cron ``instance_id``).
    * ``services``: endpoints already provisioned for this test, by service name.
    """

    namespace: str
    operation_timeout: float = 2.0
    instance_index: int = 0
    services: Mapping[str, ServiceEndpoint] = field(default_factory=dict, hash=False)

    def service(self, name: str) -> ServiceEndpoint:
        """The endpoint of service ``name`` (``redis``, ``postgres``, ``rabbitmq``, ...).

        Raises:
            LookupError: the service was not provisioned for this context and no
                provisioner is available (e.g. in a child process).
        """
        endpoint = self.services.get(name)
        if endpoint is not None:
            return endpoint
        if _resolver is None:
            raise LookupError(
                f"service {name!r} was not provisioned for this conformance context "
                f"(provisioned: {sorted(self.services) or 'none'}); declare it with a "
                "'requires_services' attribute on the factory or ask for it on every call"
            )
        return _resolver(name)

    def for_instance(self, index: int) -> ConformanceContext:
        """The same context for instance number ``index``."""
        return dataclasses.replace(self, instance_index=index)

    def with_namespace(self, namespace: str) -> ConformanceContext:
        """The same context on another namespace (isolation tests)."""
        return dataclasses.replace(self, namespace=namespace)

    def with_services(self, services: Mapping[str, ServiceEndpoint]) -> ConformanceContext:
        """The same context with ``services`` added (plain dict, stays picklable)."""
        return dataclasses.replace(self, services={**self.services, **services})


__all__ = ["ConformanceContext", "Resolver", "install_resolver"]
