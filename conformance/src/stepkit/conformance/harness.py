"""Per-test driver: builds instances of the target on one namespace and runs scenarios.

Every instance a test builds shares the test's namespace (one logical store)
unless the test asks for another namespace (isolation clauses). Everything
built is closed at teardown, on the loop it was built on; a failing ``close()``
fails the test, because ``close()`` must be idempotent and clean.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any, TypeVar, cast

from stepkit.conformance.context import ConformanceContext
from stepkit.conformance.loop import HangError, LoopThread
from stepkit.conformance.operations import bound_operations
from stepkit.conformance.services import ServiceEndpoint, ServiceHandle
from stepkit.conformance.targets import AdapterTarget, build
from stepkit.core import Adapter, CronAdapter, EventAdapter, StateAdapter, StreamAdapterManager

T = TypeVar("T")
A = TypeVar("A", bound=Adapter)

SCENARIO_TIMEOUT = 120.0
"""Upper bound of one scenario; beyond it the test fails as a hang."""


def new_namespace() -> str:
    """A namespace no other test uses."""
    return f"skc-{uuid.uuid4().hex[:12]}"


class Harness:
    """Builds and tracks adapter instances of one target for one test."""

    def __init__(
        self,
        target: AdapterTarget,
        *,
        operation_timeout: float,
        services: Mapping[str, ServiceEndpoint],
        scenario_timeout: float = SCENARIO_TIMEOUT,
    ) -> None:
        self.target = target
        self.operation_timeout = operation_timeout
        self.services = dict(services)
        self.namespace = new_namespace()
        self.scenario_timeout = scenario_timeout
        self.loop = LoopThread()
        self._instances: list[Adapter] = []
        self._count = 0
        self._shared: dict[str, Adapter] = {}
        self.fault_handle: ServiceHandle | None = None
        """The dedicated server of a ``fault`` test (pause/stop/start it)."""

    # -- contexts and instances -------------------------------------------------
    def context(self, namespace: str | None = None) -> ConformanceContext:
        """A fresh context (next instance index) on the test's namespace or ``namespace``."""
        ctx = ConformanceContext(
            namespace=namespace or self.namespace,
            operation_timeout=self.operation_timeout,
            instance_index=self._count,
            services=dict(self.services),
        )
        self._count += 1
        return ctx

    async def instance(self, namespace: str | None = None) -> Adapter:
        """Build one more instance (tracked, closed at teardown; data operations bounded per call,
        see :mod:`stepkit.conformance.operations`)."""
        adapter = await build(self.target.factory, self.context(namespace))
        self._instances.append(bound_operations(adapter, self.operation_timeout))
        return adapter

    def _wrong(self, adapter: Adapter, expected: str) -> str:
        return f"{self.target.id} built {type(adapter).__name__}, not a {expected}"

    async def state(self, namespace: str | None = None) -> StateAdapter:
        """A new state instance."""
        adapter = await self.instance(namespace)
        assert isinstance(adapter, StateAdapter), self._wrong(adapter, "StateAdapter")
        return adapter

    async def streams(self, namespace: str | None = None) -> StreamAdapterManager:
        """A new stream manager instance."""
        adapter = await self.instance(namespace)
        assert isinstance(adapter, StreamAdapterManager), self._wrong(adapter, "StreamAdapterManager")
        return adapter

    async def events(self, namespace: str | None = None) -> EventAdapter:
        """A new event adapter instance."""
        adapter = await self.instance(namespace)
        assert isinstance(adapter, EventAdapter), self._wrong(adapter, "EventAdapter")
        return adapter

    async def cron(self, namespace: str | None = None) -> CronAdapter:
        """A new cron adapter instance."""
        adapter = await self.instance(namespace)
        assert isinstance(adapter, CronAdapter), self._wrong(adapter, "CronAdapter")
        return adapter

    async def shared(self, key: str, make: Callable[[], Awaitable[A]]) -> A:
        """One instance per ``key`` for the whole test (reused across Hypothesis examples)."""
        if key not in self._shared:
            self._shared[key] = await make()
        return cast(A, self._shared[key])

    def adopt(self, adapter: A) -> A:
        """Track an instance the test built itself (e.g. via ``from_config``), closed at teardown
        (data operations bounded per call)."""
        self._instances.append(bound_operations(adapter, self.operation_timeout))
        return adapter

    def forget(self, adapter: Adapter) -> None:
        """Stop tracking an instance the test closed itself."""
        self._instances = [a for a in self._instances if a is not adapter]

    # -- running ------------------------------------------------------------------
    def run(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run a coroutine on the test's loop, bounded by the scenario timeout."""
        return self.loop.run(coro, timeout or self.scenario_timeout)

    async def close_instances(self) -> None:
        """Close every tracked instance (all of them, then re-raise the first error)."""
        errors: list[BaseException] = []
        bound = self.operation_timeout * 3 + 5
        for adapter in reversed(self._instances):
            scope = asyncio.timeout(bound)
            try:
                async with scope:
                    await adapter.close()
            except TimeoutError as exc:
                errors.append(HangError(f"close() did not return within {bound:g}s") if scope.expired() else exc)
            except Exception as exc:  # noqa: BLE001 - collected and re-raised below
                errors.append(exc)
        self._instances.clear()
        if errors:
            raise AssertionError(f"close() failed: {errors[0]!r}") from errors[0]

    def close(self) -> None:
        """Close everything and stop the loop."""
        try:
            self.run(self.close_instances(), self.operation_timeout * 3 * max(1, len(self._instances)) + 10)
        finally:
            self.loop.stop()


def scenario(fn: Callable[[Harness], Awaitable[None]]) -> Callable[[Harness], None]:
    """Turn ``async def test_x(harness)`` into a synchronous pytest test run on the harness loop.

    (Synchronous on purpose: the suites then work whatever the user's
    pytest-asyncio mode is. ``__wrapped__`` only serves source locations;
    pytest and pytest-asyncio still see a plain function.)
    """

    async def as_coroutine(harness: Harness) -> None:
        await fn(harness)

    def test(harness: Harness) -> None:
        harness.run(as_coroutine(harness))

    test.__name__ = fn.__name__
    test.__qualname__ = fn.__qualname__
    test.__doc__ = fn.__doc__
    test.__module__ = fn.__module__
    test.__wrapped__ = fn  # type: ignore[attr-defined]  # reports point at the scenario's own source line
    return test


async def eventually(predicate: Callable[[], bool], what: str, timeout: float = 10.0, interval: float = 0.02) -> None:
    """Wait until ``predicate()`` holds; fail naming ``what`` after ``timeout`` seconds."""
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError(f"{what}: not observed within {timeout:g}s")
        await asyncio.sleep(interval)


__all__ = ["SCENARIO_TIMEOUT", "Harness", "eventually", "new_namespace", "scenario"]
