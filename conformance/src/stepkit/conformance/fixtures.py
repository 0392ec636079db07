"""Reusable pytest fixtures the plugin registers for any package's tests, and a test helper.

``stepkit_dedicated_service`` hands a test servers of its own that it may pause, stop and
restart, without touching the session's shared servers (``stepkit_services``).
``ClosingFactory`` builds a test's adapters on shared settings and closes them all afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack
from typing import Any, Generic, TypeVar

import pytest

from stepkit.conformance.services import ServiceHandle, ServiceProvider
from stepkit.core.adapter import Adapter

A = TypeVar("A", bound=Adapter)

DedicatedService = Callable[[str], ServiceHandle]
"""``(service name) -> ServiceHandle``: a fault-capable server owned by the calling test."""


@pytest.fixture
def stepkit_dedicated_service(stepkit_services: ServiceProvider) -> Iterator[DedicatedService]:
    """A factory of servers dedicated to this test, with working fault controls.

    Guarantees: each call starts a new server for the named service (``stepkit_services.get(name,
    dedicated=True)``) that no other test uses; its ``supports_faults`` is True, otherwise the test
    is skipped naming the server (a ``STEPKIT_<SERVICE>_URL`` server cannot be paused or
    restarted). Every server it handed out is closed (stopped and removed) when the test ends,
    whatever the outcome.
    """
    with ExitStack() as closing:  # closes every handle, even when one close() raises

        def dedicated(name: str) -> ServiceHandle:
            handle = stepkit_services.get(name, dedicated=True)
            closing.callback(handle.close)
            if not handle.supports_faults:
                pytest.skip(f"{handle.describe()} cannot be paused or restarted (a URL was given)")
            return handle

        yield dedicated


class ClosingFactory(Generic[A]):
    """``factory(**settings)`` builds an ``A`` from ``base`` settings overridden by ``settings``.

    Every adapter built is appended to ``made`` (a list the caller may pass to share) and
    ``await factory.close()`` closes each of them, also when closing one raises (the first
    error is raised after all were closed). Building touches no backend.
    """

    def __init__(
        self, adapter_class: Callable[[dict[str, Any]], A], base: Mapping[str, Any], made: list[A] | None = None
    ) -> None:
        self.adapter_class = adapter_class
        self.base = dict(base)
        self.made: list[A] = [] if made is None else made

    def __call__(self, **settings: Any) -> A:
        adapter = self.adapter_class({**self.base, **settings})
        self.made.append(adapter)
        return adapter

    async def close(self) -> None:
        """Close every adapter built so far."""
        first: Exception | None = None
        for adapter in self.made:
            try:
                await adapter.close()
            except Exception as exc:  # noqa: BLE001 - close the others, raise the first afterwards
                first = first or exc
        if first is not None:
            raise first


__all__ = ["ClosingFactory", "DedicatedService", "stepkit_dedicated_service"]
