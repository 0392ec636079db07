"""Reusable pytest fixtures the plugin registers for any package's tests.

``stepkit_dedicated_service`` hands a test servers of its own that it may pause, stop and
restart, without touching the session's shared servers (``stepkit_services``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest

from stepkit.conformance.services import ServiceHandle, ServiceProvider

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


__all__ = ["DedicatedService", "stepkit_dedicated_service"]
