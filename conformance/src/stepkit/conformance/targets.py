"""The adapters under test: factories loaded by reference or from entry points.

A *target* is one factory plus what the kit learned about it by calling it
once with a probe context: the adapter's kind, class, declared capabilities
and the services the factory asked for. Probing never connects (factories must
build lazily) and never provisions a server.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any, cast

from stepkit.conformance.context import ConformanceContext, install_resolver
from stepkit.conformance.services import ServiceEndpoint
from stepkit.conformance.services.endpoint import placeholder_endpoint
from stepkit.core import (
    Adapter,
    AdapterKind,
    Capability,
    CronAdapter,
    EventAdapter,
    StateAdapter,
    StreamAdapterManager,
)

ENTRY_POINT_GROUP = "stepkit.conformance"
"""Entry-point group under which adapter packages register their factories."""

Factory = Callable[[ConformanceContext], Adapter | Awaitable[Adapter]]
"""``def factory(ctx) -> Adapter`` or ``async def factory(ctx) -> Adapter``."""

_KIND_BASES: tuple[tuple[type[Adapter], AdapterKind], ...] = (
    (StateAdapter, "state"),
    (StreamAdapterManager, "streams"),
    (EventAdapter, "events"),
    (CronAdapter, "cron"),
)


class TargetError(Exception):
    """A factory reference cannot be loaded or does not build a stepkit adapter."""


@dataclass(frozen=True)
class AdapterTarget:
    """One factory under test and what it builds."""

    id: str
    reference: str
    factory: Factory
    kind: AdapterKind
    adapter_class: type[Adapter]
    capabilities: frozenset[Capability]
    services: tuple[str, ...]

    def declares(self, capability: Capability) -> bool:
        """True when the adapter class declares ``capability``."""
        return capability in self.capabilities

    def __repr__(self) -> str:
        return f"AdapterTarget({self.id!r}, {self.kind}, {self.reference})"


def load_reference(reference: str) -> Factory:
    """Import ``pkg.mod:factory``.

    Raises:
        TargetError: malformed reference, import failure or not callable.
    """
    module_name, sep, attribute = reference.partition(":")
    if not sep or not module_name or not attribute:
        raise TargetError(f"adapter factory {reference!r} must look like 'package.module:factory'")
    try:
        obj: Any = importlib.import_module(module_name)
    except Exception as exc:
        raise TargetError(f"cannot import {module_name!r} for adapter factory {reference!r}: {exc!r}") from exc
    for part in attribute.split("."):
        if not hasattr(obj, part):
            raise TargetError(f"adapter factory {reference!r}: {module_name} has no attribute {attribute!r}")
        obj = getattr(obj, part)
    if not callable(obj):
        raise TargetError(f"adapter factory {reference!r} is not callable")
    return cast(Factory, obj)


async def build(factory: Factory, ctx: ConformanceContext) -> Adapter:
    """Call a sync or async factory and check it returned a stepkit adapter."""
    built = factory(ctx)
    if inspect.isawaitable(built):
        built = await built
    if not isinstance(built, Adapter):
        raise TargetError(f"factory returned {type(built).__name__}, not a stepkit Adapter")
    return built


def kind_of(adapter_class: type[Adapter]) -> AdapterKind:
    """The kind of an adapter class, from the core ABC it derives from."""
    for base, kind in _KIND_BASES:
        if issubclass(adapter_class, base):
            return kind
    raise TargetError(
        f"{adapter_class.__name__} derives from none of StateAdapter, StreamAdapterManager, EventAdapter or CronAdapter"
    )


def _placeholder(name: str) -> ServiceEndpoint:
    return placeholder_endpoint(name)


def probe(reference: str, target_id: str | None = None) -> AdapterTarget:
    """Load a factory and learn its kind, capabilities and services by calling it once.

    The probe context hands out placeholder endpoints (port 9) and records the
    names asked for; the built adapter is closed without ever being opened.
    """
    factory = load_reference(reference)
    asked: list[str] = []

    def record(name: str) -> ServiceEndpoint:
        if name not in asked:
            asked.append(name)
        return _placeholder(name)

    async def build_and_close() -> Adapter:
        adapter = await build(factory, ConformanceContext(namespace="stepkit-probe"))
        await adapter.close()
        return adapter

    previous = install_resolver(record)
    try:
        adapter = asyncio.run(build_and_close())
    except TargetError as exc:
        raise TargetError(f"adapter factory {reference!r}: {exc}") from exc
    except Exception as exc:
        raise TargetError(f"adapter factory {reference!r} failed when called with a probe context: {exc!r}") from exc
    finally:
        install_resolver(previous)
    declared = getattr(factory, "requires_services", None)
    services = tuple(declared) if declared is not None else tuple(asked)
    adapter_class = type(adapter)
    return AdapterTarget(
        id=target_id or reference,
        reference=reference,
        factory=factory,
        kind=kind_of(adapter_class),
        adapter_class=adapter_class,
        capabilities=frozenset(adapter_class.capabilities),
        services=services,
    )


def installed_references() -> dict[str, str]:
    """Name -> ``pkg.mod:factory`` of every factory registered under ``stepkit.conformance``."""
    return {ep.name: ep.value for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name)}


def select_targets(references: list[str]) -> list[AdapterTarget]:
    """Targets for ``--adapter`` values (a reference or an entry-point name), or every installed one."""
    installed = installed_references()
    if not references:
        return [probe(value, name) for name, value in installed.items()]
    targets: list[AdapterTarget] = []
    for reference in references:
        if ":" not in reference and reference in installed:
            targets.append(probe(installed[reference], reference))
        else:
            targets.append(probe(reference))
    return targets


__all__ = [
    "ENTRY_POINT_GROUP",
    "AdapterTarget",
    "Factory",
    "TargetError",
    "build",
    "installed_references",
    "kind_of",
    "load_reference",
    "probe",
    "select_targets",
]
